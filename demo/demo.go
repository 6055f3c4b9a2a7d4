// Package demo is the sample organisation OSB runs with in development and
// demonstrations: the sales department of DOMAIN.md with its markets, about
// twenty distributors and a small catalog, plus fixed bearer tokens.
//
// None of it belongs in production: the tokens are public.
package demo

import (
	"strconv"

	"osb/sales"
)

// The SLT members over the markets.
const (
	gm  = "gm"
	sd  = "sd"
	dsd = "dsd"
)

// fieldMarket is one market with its field sales force: one MM, and per UM
// the KAMs who report to that UM.
type fieldMarket struct {
	code, slug, slt string
	mm              string // the MM's name
	ums             []fieldUM
}

type fieldUM struct {
	name string
	kams []string // KAM names
}

// field is the FSF of DOMAIN.md: the Director oversees 西南, 华北, 西北, 华中;
// the Deputy 山东, 华东, 华南. The Director is also an SLT member of every
// market (the whole country), after the Deputy where the Deputy oversees.
var field = []fieldMarket{
	{"西南", "xinan", sd, "杨光明", []fieldUM{{"黄志刚", []string{"何晓东", "罗静"}}}},
	{"华北", "huabei", sd, "孙立新", []fieldUM{{"马国强", []string{"朱建华", "胡雪梅"}}}},
	{"西北", "xibei", sd, "郭海涛", []fieldUM{{"林涛", []string{"高飞"}}}},
	{"华中", "huazhong", sd, "梁文博", []fieldUM{{"宋志远", []string{"郑丽", "谢文斌"}}}},
	{"山东", "shandong", dsd, "韩永庆", []fieldUM{{"唐明", []string{"冯晓燕"}}}},
	{"华东", "huadong", dsd, "徐振华", []fieldUM{
		{"曹俊", []string{"彭磊", "董雅琴"}},
		{"袁斌", []string{"蒋海燕"}},
	}},
	{"华南", "huanan", dsd, "邓伟", []fieldUM{
		{"许文", []string{"沈佳"}},
		{"吕建平", []string{"魏婷"}},
	}},
}

// headOffice is everyone outside the field sales force.
var headOffice = []sales.User{
	{ID: gm, Name: "王建国", Role: sales.RoleSLT, Title: sales.TitleGM, Email: "gm@osb.example"},
	{ID: sd, Name: "李志强", Role: sales.RoleSLT, Title: sales.TitleDirector, ManagerID: gm, Email: "sd@osb.example"},
	{ID: dsd, Name: "张丽华", Role: sales.RoleSLT, Title: sales.TitleDeputy, ManagerID: gm, Email: "dsd@osb.example"},
	{ID: "ssg-lead", Name: "陈静", Role: sales.RoleSSG, Title: sales.TitleSSGLead, Email: "ssg-lead@osb.example"},
	{ID: "csr1", Name: "刘婷", Role: sales.RoleSSG, Title: sales.TitleCSR, ManagerID: "ssg-lead", Email: "csr1@osb.example"},
	{ID: "csr2", Name: "赵敏", Role: sales.RoleSSG, Title: sales.TitleCSR, ManagerID: "ssg-lead", Email: "csr2@osb.example"},
	{ID: "fin1", Name: "周红", Role: sales.RoleFinance, Title: sales.TitleFinance, Email: "fin1@osb.example"},
	{ID: "fin2", Name: "吴刚", Role: sales.RoleFinance, Title: sales.TitleFinance, ManagerID: "fin1", Email: "fin2@osb.example"},
	{ID: "log1", Name: "钱伟", Role: sales.RoleLogistics, Title: sales.TitleLogistic, Email: "log1@osb.example"},
	{ID: "log2", Name: "孔强", Role: sales.RoleLogistics, Title: sales.TitleLogistic, ManagerID: "log1", Email: "log2@osb.example"},
	{ID: "admin", Name: "系统管理员", Role: sales.RoleAdmin, Title: sales.TitleAdmin, Email: "admin@osb.example"},
}

// Organisation returns the demo organisation. Ids are stable: users by role
// ("gm", "csr1", "mm-huadong", "um-huadong-1", "kam-huadong-1"), markets by
// their Chinese name, customers C001–C020, SKUs SKU-1001–SKU-1015.
func Organisation() sales.Organisation {
	users := append([]sales.User(nil), headOffice...)
	var markets []sales.Market
	for _, m := range field {
		mmID := "mm-" + m.slug
		markets = append(markets, sales.Market{Code: m.code, Name: m.code, MMID: mmID, SLTOwner: m.slt,
			SLTMembers: []string{m.slt, sd}, SSG: ssgDuties(m.code)})
		users = append(users, sales.User{ID: mmID, Name: m.mm, Role: sales.RoleFSF, Title: sales.TitleMM,
			Market: m.code, ManagerID: m.slt, Email: mmID + "@osb.example"})
		kamNo := 0
		for i, um := range m.ums {
			umID := "um-" + m.slug + "-" + strconv.Itoa(i+1)
			users = append(users, sales.User{ID: umID, Name: um.name, Role: sales.RoleFSF, Title: sales.TitleUM,
				Market: m.code, ManagerID: mmID, Email: umID + "@osb.example"})
			for _, kam := range um.kams {
				kamNo++
				kamID := "kam-" + m.slug + "-" + strconv.Itoa(kamNo)
				users = append(users, sales.User{ID: kamID, Name: kam, Role: sales.RoleFSF, Title: sales.TitleKAM,
					Market: m.code, ManagerID: umID, Email: kamID + "@osb.example"})
			}
		}
	}
	return sales.Organisation{Users: users, Markets: markets, Customers: customers(), SKUs: skus()}
}

// ssgSettlement is the SSG's division of work by market (DOMAIN.md): the
// leader follows the settlement and the weekly visits of 山东, 华东, 华南 and
// 西南, CSR-2 those of 西南, 华北, 西北 and 华中 (西南 has both); CSR-1 has the
// orders and shipments of every market.
var ssgSettlement = map[string][]string{
	"山东": {"ssg-lead"}, "华东": {"ssg-lead"}, "华南": {"ssg-lead"},
	"西南": {"ssg-lead", "csr2"},
	"华北": {"csr2"}, "西北": {"csr2"}, "华中": {"csr2"},
}

// ssgDuties are the SSG's duties in market.
func ssgDuties(market string) []sales.MarketDuty {
	out := []sales.MarketDuty{{UserID: "csr1", Duty: sales.DutyOrders}}
	for _, id := range ssgSettlement[market] {
		out = append(out, sales.MarketDuty{UserID: id, Duty: sales.DutySettlement}, sales.MarketDuty{UserID: id, Duty: sales.DutyVisits})
	}
	return out
}

// customer describes a distributor compactly; see customers.
func customer(id, name, market, kam string, terms int, limitYuan int64, rating, shipTo string) sales.Customer {
	return sales.Customer{ID: id, Name: name, Market: market, KAMID: kam, PaymentTermsDays: terms,
		Active: true, CreditLimit: sales.Yuan(limitYuan), Rating: rating, Currency: sales.CNY, ShipTo: shipTo}
}

// customers are the distributors. C013 no longer buys (inactive) and C019 is
// frozen for an overdue invoice, so the demo shows both refusals.
func customers() []sales.Customer {
	cs := []sales.Customer{
		customer("C001", "杭州宏达商贸有限公司", "华东", "kam-huadong-1", 30, 1_500_000, "A", "浙江省杭州市余杭区仓前街道文一西路1288号"),
		customer("C002", "上海锦程贸易有限公司", "华东", "kam-huadong-1", 45, 2_000_000, "A", "上海市嘉定区马陆镇宝安公路2899号"),
		customer("C003", "南京恒瑞商贸有限公司", "华东", "kam-huadong-2", 30, 800_000, "B", "江苏省南京市江宁区秣陵街道胜太路68号"),
		customer("C004", "苏州嘉禾食品贸易有限公司", "华东", "kam-huadong-3", 60, 600_000, "B", "江苏省苏州市吴中区木渎镇金枫南路1000号"),
		customer("C005", "宁波海盛商贸有限公司", "华东", "kam-huadong-3", 30, 300_000, "C", "浙江省宁波市鄞州区首南街道天童南路588号"),
		customer("C006", "广州粤丰贸易有限公司", "华南", "kam-huanan-1", 45, 1_800_000, "A", "广东省广州市白云区太和镇大源北路230号"),
		customer("C007", "深圳鹏达商贸有限公司", "华南", "kam-huanan-1", 30, 1_000_000, "B", "广东省深圳市宝安区西乡街道宝源路1065号"),
		customer("C008", "福州闽兴商贸有限公司", "华南", "kam-huanan-2", 60, 500_000, "C", "福建省福州市仓山区城门镇林浦路19号"),
		customer("C009", "济南鲁信商贸有限公司", "山东", "kam-shandong-1", 30, 900_000, "A", "山东省济南市历城区工业北路188号"),
		customer("C010", "青岛海联贸易有限公司", "山东", "kam-shandong-1", 45, 700_000, "B", "山东省青岛市城阳区长城路89号"),
		customer("C011", "北京京泰商贸有限公司", "华北", "kam-huabei-1", 30, 1_600_000, "A", "北京市大兴区西红门镇宏福路18号"),
		customer("C012", "天津津达贸易有限公司", "华北", "kam-huabei-2", 45, 600_000, "B", "天津市西青区中北镇星企道12号"),
		customer("C013", "石家庄冀丰商贸有限公司", "华北", "kam-huabei-2", 30, 200_000, "C", "河北省石家庄市裕华区槐安东路136号"),
		customer("C014", "武汉楚天商贸有限公司", "华中", "kam-huazhong-1", 45, 1_200_000, "A", "湖北省武汉市东西湖区金银湖路16号"),
		customer("C015", "长沙湘源贸易有限公司", "华中", "kam-huazhong-2", 30, 500_000, "B", "湖南省长沙市雨花区环保中路188号"),
		customer("C016", "郑州中原商贸有限公司", "华中", "kam-huazhong-2", 60, 400_000, "C", "河南省郑州市管城回族区航海东路1398号"),
		customer("C017", "成都蜀润商贸有限公司", "西南", "kam-xinan-1", 45, 1_100_000, "A", "四川省成都市新都区新繁镇繁江北路99号"),
		customer("C018", "重庆渝丰贸易有限公司", "西南", "kam-xinan-2", 30, 700_000, "B", "重庆市渝北区空港大道1288号"),
		customer("C019", "昆明滇信商贸有限公司", "西南", "kam-xinan-2", 60, 300_000, "C", "云南省昆明市官渡区螺蛳湾国际商贸城8栋"),
		customer("C020", "西安秦川商贸有限公司", "西北", "kam-xibei-1", 45, 800_000, "B", "陕西省西安市未央区凤城八路158号"),
	}
	for i := range cs {
		switch cs[i].ID {
		case "C013":
			cs[i].Active = false
		case "C019":
			cs[i].Frozen = true
		}
	}
	return cs
}

// sku describes a product compactly; price is in fen.
func sku(code, name string, price sales.Fen, quota bool) sales.SKU {
	return sales.SKU{Code: code, Name: name, Unit: "箱", ListPrice: price, Currency: sales.CNY, Quota: quota, Active: true}
}

// skus is the catalog; SKU-1006, SKU-1012 and SKU-1013 are quota-controlled.
func skus() []sales.SKU {
	return []sales.SKU{
		sku("SKU-1001", "天然矿泉水 550ml×24瓶", 2880, false),
		sku("SKU-1002", "天然矿泉水 1.5L×12瓶", 3360, false),
		sku("SKU-1003", "茉莉绿茶 500ml×15瓶", 4500, false),
		sku("SKU-1004", "冰柠檬茶 500ml×15瓶", 4800, false),
		sku("SKU-1005", "100%橙汁 1L×12盒", 9600, false),
		sku("SKU-1006", "高钙纯牛奶 250ml×24盒", 7200, true),
		sku("SKU-1007", "原味风味酸奶 200g×16盒", 6400, false),
		sku("SKU-1008", "全麦苏打饼干 400g×12袋", 8640, false),
		sku("SKU-1009", "巧克力夹心饼干 300g×20袋", 11000, false),
		sku("SKU-1010", "红烧牛肉面 108g×24袋", 8400, false),
		sku("SKU-1011", "酸菜牛肉面 112g×24袋", 8400, false),
		sku("SKU-1012", "每日坚果礼盒 750g×6盒", 58800, true),
		sku("SKU-1013", "窖藏白酒 52度 500ml×6瓶", 238800, true),
		sku("SKU-1014", "清爽啤酒 330ml×24罐", 6240, false),
		sku("SKU-1015", "维生素能量饮料 250ml×24罐", 12000, false),
	}
}

// Tokens maps every demo user id to a fixed bearer token, "demo-" + the id
// (e.g. "demo-sd", "demo-ssg-lead", "demo-kam-huadong-1"). Development only:
// anyone who reads this source can use them.
func Tokens() map[string]string {
	org := Organisation()
	out := make(map[string]string, len(org.Users))
	for _, u := range org.Users {
		out[u.ID] = "demo-" + u.ID
	}
	return out
}

// POPItems is the demo point-of-purchase material.
func POPItems() []sales.POPItem {
	return []sales.POPItem{
		{Code: "POP-POSTER", Name: "门店海报 (poster)", Unit: "张", UnitCost: sales.Yuan(8), Currency: sales.CNY, Active: true},
		{Code: "POP-STAND", Name: "落地展示架 (display stand)", Unit: "个", UnitCost: sales.Yuan(260), Currency: sales.CNY, Active: true},
		{Code: "POP-SHELF", Name: "货架价签条 (shelf strip)", Unit: "套", UnitCost: sales.Yuan(15), Currency: sales.CNY, Active: true},
	}
}

// POPBudget is each demo market's monthly POP budget.
const POPBudget = sales.Fen(500_000) // ¥5,000

// MarketQuota is each demo market's monthly allocation of every
// quota-controlled SKU; CustomerQuota is what each of its customers gets.
const (
	MarketQuota   = 600
	CustomerQuota = 120
)
