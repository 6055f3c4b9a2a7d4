package console

import (
	"io/fs"
	"regexp"
	"testing"

	"osb/sales"
)

// TestEveryMessageIsInBothLanguages keeps the catalogue whole: every key
// the templates name, and every status, level, role and step they show, has
// a zh-CN and an English text.
func TestEveryMessageIsInBothLanguages(t *testing.T) {
	for key, m := range messages {
		if m[zh] == "" || m[en] == "" {
			t.Errorf("%s lacks a language: %q", key, m)
		}
	}
	keys := regexp.MustCompile(`\.T "([a-z_.]+)"`)
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, path)
		for _, m := range keys.FindAllStringSubmatch(string(b), -1) {
			if _, ok := messages[m[1]]; !ok {
				t.Errorf("%s names %q, which the catalogue lacks", path, m[1])
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var needed []string
	for _, s := range statuses {
		needed = append(needed, "status."+string(s))
	}
	for _, r := range []sales.Role{sales.RoleSSG, sales.RoleFSF, sales.RoleFinance, sales.RoleLogistics, sales.RoleSLT, sales.RoleAdmin} {
		needed = append(needed, "role."+string(r))
	}
	needed = append(needed, "level.0", "level.1", "level.2", "level.3", "level.4", "level.5", "task.decide", "task.logistics", "task.overdue")
	for _, s := range []string{stepDone, stepCurrent, stepLate, stepTodo, stepSkipped, stepStopped} {
		needed = append(needed, "timeline."+s)
	}
	for _, k := range needed {
		if _, ok := messages[k]; !ok {
			t.Errorf("the catalogue lacks %s", k)
		}
	}
}
