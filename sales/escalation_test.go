package sales

import (
	"strings"
	"testing"
)

func TestOwnerFirstClimbsWithTheOwnerCopied(t *testing.T) {
	ld := Ladder{KAM: "kam", UM: "um", MM: "mm", SLT: "dsd", GM: "gm", SLTs: []string{"dsd", "sd"},
		Logistics: []string{"log1", "log2"}, SSGOrders: []string{"csr1"}}
	owners := ld.Owners(RoleLogistics)
	for l, want := range map[Level]string{
		LevelKAM: "kam,log1,log2",
		LevelUM:  "kam,log1,log2,um",
		LevelMM:  "kam,log1,log2,mm",
		LevelSLT: "kam,log1,log2,dsd,sd",
		LevelGM:  "kam,log1,log2,gm",
	} {
		if got := strings.Join(ld.OwnerFirst(owners, l), ","); got != want {
			t.Errorf("OwnerFirst(logistics, %s) = %s, want %s", l, got, want)
		}
	}
	// A vacant rung falls through to the next one up.
	ld.UM = ""
	if got := strings.Join(ld.OwnerFirst(ld.Owners(RoleSSG), LevelUM), ","); got != "kam,csr1,mm" {
		t.Errorf("OwnerFirst with no UM = %s, want the MM", got)
	}
	// An owner who is also the holder is told once, last.
	if got := strings.Join(ld.OwnerFirst([]string{"mm"}, LevelMM), ","); got != "kam,mm" {
		t.Errorf("OwnerFirst(mm, MM) = %s", got)
	}
}

func TestOwnersOfALadderWithoutThemIsTheDepartment(t *testing.T) {
	old := Ladder{KAM: "kam", SLT: "dsd", GM: "gm"} // resolved before release 1.2
	for role, want := range map[Role]string{RoleLogistics: "dept:logistics", RoleFinance: "dept:finance", RoleSSG: "dept:ssg", RoleFSF: "", RoleSLT: ""} {
		if got := strings.Join(old.Owners(role), ","); got != want {
			t.Errorf("Owners(%s) = %q, want %q", role, got, want)
		}
	}
	if got := strings.Join(old.Collectors(), ","); got != "dept:ssg" {
		t.Errorf("Collectors() = %q, want dept:ssg", got)
	}
	if got := strings.Join(old.SLTMembers(), ","); got != "dsd" {
		t.Errorf("SLTMembers() = %q, want dsd", got)
	}
}

func TestHoldLadderGoesUpwardsOnly(t *testing.T) {
	ld := Ladder{KAM: "kam", UM: "um", MM: "mm", SLT: "dsd", GM: "gm", SLTs: []string{"dsd", "sd"}}
	if got := strings.Join(ld.HoldLadder(LevelSLT), ","); got != "dsd,sd" {
		t.Errorf("HoldLadder(SLT) = %s", got)
	}
	if got := strings.Join(ld.HoldLadder(LevelGM), ","); got != "dsd,sd,gm" {
		t.Errorf("HoldLadder(GM) = %s", got)
	}
	none := Ladder{KAM: "kam", GM: "gm"}
	if got := strings.Join(none.HoldLadder(LevelSLT), ","); got != "gm" {
		t.Errorf("HoldLadder(SLT) without an SLT member = %s, want the GM", got)
	}
}

func TestMarketOwners(t *testing.T) {
	m := Market{SLTOwner: "dsd", SLTMembers: []string{"sd", "dsd", ""},
		SSG: []MarketDuty{{"ssg-lead", DutySettlement}, {"csr1", DutyOrders}, {"csr2", DutySettlement}, {"ssg-lead", DutySettlement}}}
	if got := strings.Join(m.SLT(), ","); got != "dsd,sd" {
		t.Errorf("SLT() = %s, want the owner first, no duplicates", got)
	}
	if got := strings.Join(m.SSGFor(DutySettlement), ","); got != "ssg-lead,csr2" {
		t.Errorf("SSGFor(settlement) = %s", got)
	}
	if (Market{SLTMembers: []string{"sd"}}).SLT()[0] != "sd" || len((Market{}).SLT()) != 0 {
		t.Error("SLT() of a market without an owner")
	}
	if SSGDuty("payroll").Valid() || !DutyVisits.Valid() {
		t.Error("SSGDuty.Valid")
	}
}

func TestLadderEqual(t *testing.T) {
	a := Ladder{KAM: "kam", SLTs: []string{"dsd"}, Logistics: []string{"log1"}}
	b := a
	b.Logistics = []string{"log1"}
	if !a.Equal(b) {
		t.Error("equal ladders differ")
	}
	b.SSGSettlement = []string{"csr2"}
	if a.Equal(b) {
		t.Error("a ladder with another collector is equal")
	}
}
