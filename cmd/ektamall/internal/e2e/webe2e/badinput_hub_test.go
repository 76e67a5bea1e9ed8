package webe2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"ektamall/shared/catalog"
)

// badHubCases are the hub's rows: roles (finance is not the catalog role;
// bank changes need a second person), settlement and ledger input, free
// text in catalog names and notes, lockout.
func badHubCases(t *testing.T, e *badEnv) []badCase {
	fx := e.fx
	big := `{"shift_id":"` + strings.Repeat("A", 2<<20) + `"}`
	seed, err := catalog.LoadSeed()
	if err != nil {
		t.Fatal(err)
	}
	product := func(name string) string {
		p := seed.Products[0]
		p.Name = name
		b, _ := json.Marshal(p)
		return string(b)
	}
	// GI details (issue 20): a GI registration that is not the Registry's
	// number, or GI details on a product not marked GI-tagged.
	giProduct := func(gi bool, name, reg string) string {
		p := seed.Products[0]
		p.GI, p.GIName, p.GIReg = gi, name, reg
		b, _ := json.Marshal(p)
		return string(b)
	}
	cs := []badCase{
		{name: "product GI registration not a number", target: "hub", method: "POST", path: "/api/v1/catalog/products", as: "hubadmin", body: giProduct(true, "Etikoppaka Toys", "GI/55"), want: 400},
		{name: "product GI name without registration", target: "hub", method: "POST", path: "/api/v1/catalog/products", as: "hubadmin", body: giProduct(true, "Etikoppaka Toys", ""), want: 400},
		{name: "product GI details but not GI-tagged", target: "hub", method: "POST", path: "/api/v1/catalog/products", as: "hubadmin", body: giProduct(false, "Etikoppaka Toys", "88"), want: 400},
		{name: "mall token at the hub", target: "hub", method: "GET", path: "/api/v1/malls", as: "cashier", want: 401},
		{name: "hub admin runs settlement", target: "hub", method: "POST", path: "/api/v1/settlements", as: "hubadmin", body: `{}`, want: 403},
		{name: "settlement cutoff in the future", target: "hub", method: "POST", path: "/api/v1/settlements", as: "finance", body: `{"cutoff":"2999-01-01T00:00:00Z"}`, want: 400},
		{name: "settlement cutoff not a time", target: "hub", method: "POST", path: "/api/v1/settlements", as: "finance", body: `{"cutoff":"yesterday"}`, want: 400},
		{name: "settlement unknown field", target: "hub", method: "POST", path: "/api/v1/settlements", as: "finance", body: `{"cutoff":"2020-01-01T00:00:00Z","pay_twice":true}`, want: 400},
		{name: "settlement duplicate cutoff key", target: "hub", method: "POST", path: "/api/v1/settlements", as: "finance", body: `{"cutoff":"2020-01-01T00:00:00Z","cutoff":"2999-01-01T00:00:00Z"}`, want: 400},
		{name: "totals from not a date", target: "hub", method: "GET", path: "/api/v1/malls/LKO1/totals?from=notadate", as: "finance", want: 400},
		{name: "totals of unknown mall", target: "hub", method: "GET", path: "/api/v1/malls/NOPE99/totals", as: "finance", want: 404},
		{name: "totals mall id SQL", target: "hub", method: "GET", path: "/api/v1/malls/'%20OR%201=1--/totals", as: "finance"},
		{name: "parked mall param hostile", target: "hub", method: "GET", path: "/api/v1/parked?mall=%3Cscript%3E", as: "finance", want: 400},
		{name: "commission rule without rate", target: "hub", method: "POST", path: "/api/v1/commission/rules", as: "finance", body: `{"scope":"default","key":""}`, want: 400},
		{name: "commission rule rate huge", target: "hub", method: "POST", path: "/api/v1/commission/rules", as: "finance", body: `{"scope":"default","key":"","rate_bp":1e30}`, want: 400},
		{name: "commission rule rate negative", target: "hub", method: "POST", path: "/api/v1/commission/rules", as: "finance", body: `{"scope":"default","key":"","rate_bp":-5}`},
		{name: "commission rule note NUL", target: "hub", method: "POST", path: "/api/v1/commission/rules", as: "finance", body: `{"scope":"state","key":"UP","rate_bp":900,"note":"a\u0000b"}`, want: 400},
		{name: "commission rule note RTL override", target: "hub", method: "POST", path: "/api/v1/commission/rules", as: "finance", body: `{"scope":"state","key":"UP","rate_bp":900,"note":"ok \u202egnp.exe"}`, want: 400},
		{name: "hub oversized body", target: "hub", method: "POST", path: "/api/v1/commission/rules", as: "finance", body: big, want: 413},
		{name: "payout of no reference", target: "hub", method: "GET", path: "/api/v1/payouts/EKTA-NOPE", as: "finance", want: 404},
		{name: "settlement of no id", target: "hub", method: "GET", path: "/api/v1/settlements/%00", as: "finance"},

		// The catalog is the hub admin's; finance cannot change it.
		{name: "finance posts a product", target: "hub", method: "POST", path: "/api/v1/catalog/products", as: "finance", body: product(seed.Products[0].Name), want: 403},
		{name: "finance changes a price", target: "hub", method: "POST", path: "/api/v1/catalog/prices", as: "finance", body: fmt.Sprintf(`{"sku":%q,"mrp":"1.00"}`, fx.sku), want: 403},
		{name: "finance posts a producer", target: "hub", method: "POST", path: "/api/v1/catalog/producers", as: "finance", body: `{"id":"PR-UP-X-01","name":"X","district_id":"UP-AGRA","state":"UP"}`, want: 403},
		{name: "finance posts a district", target: "hub", method: "POST", path: "/api/v1/catalog/districts", as: "finance", body: `{"id":"UP-X","state":"UP","name":"X","odop_product":"Y","category":"handicraft"}`, want: 403},
		{name: "finance changes a tax rate", target: "hub", method: "POST", path: "/api/v1/catalog/tax-rates", as: "finance", body: `{"hsn":"6911","rate":"0"}`, want: 403},
		{name: "cashier token posts a price", target: "hub", method: "POST", path: "/api/v1/catalog/prices", as: "cashier", body: fmt.Sprintf(`{"sku":%q,"mrp":"1.00"}`, fx.sku), want: 401},
		{name: "product name NUL", target: "hub", method: "POST", path: "/api/v1/catalog/products", as: "hubadmin", body: product("Brass\u0000Vase"), want: 400},
		{name: "product name RTL override", target: "hub", method: "POST", path: "/api/v1/catalog/products", as: "hubadmin", body: product("Brass Vase \u202e001-ASV"), want: 400},
		{name: "product name bidi isolate", target: "hub", method: "POST", path: "/api/v1/catalog/products", as: "hubadmin", body: product("Brass \u2067Vase\u2069"), want: 400},
		{name: "product name ESC", target: "hub", method: "POST", path: "/api/v1/catalog/products", as: "hubadmin", body: product("Brass \u001b[1mVase"), want: 400},
		{name: "product name C1", target: "hub", method: "POST", path: "/api/v1/catalog/products", as: "hubadmin", body: product("Brass \u009bVase"), want: 400},
		{name: "product name blank", target: "hub", method: "POST", path: "/api/v1/catalog/products", as: "hubadmin", body: product("   "), want: 400},
		{name: "product name over long", target: "hub", method: "POST", path: "/api/v1/catalog/products", as: "hubadmin", body: product(strings.Repeat("क", 500)), want: 400},
		{name: "producer name RTL override", target: "hub", method: "POST", path: "/api/v1/catalog/producers", as: "hubadmin", body: `{"id":"PR-UP-AGRA-09","name":"Agra \u202eGuild","district_id":"UP-AGRA","state":"UP"}`, want: 400},
		{name: "producer name NUL", target: "hub", method: "POST", path: "/api/v1/catalog/producers", as: "hubadmin", body: `{"id":"PR-UP-AGRA-09","name":"Agra\u0000Guild","district_id":"UP-AGRA","state":"UP"}`, want: 400},
		{name: "district name RTL override", target: "hub", method: "POST", path: "/api/v1/catalog/districts", as: "hubadmin", body: `{"id":"UP-NEWX","state":"UP","name":"New \u202eX","odop_product":"Pots","category":"handicraft"}`, want: 400},
		{name: "district ODOP product NUL", target: "hub", method: "POST", path: "/api/v1/catalog/districts", as: "hubadmin", body: `{"id":"UP-NEWX","state":"UP","name":"New X","odop_product":"Po\u0000ts","category":"handicraft"}`, want: 400},

		// Bank accounts: maker-checker.
		{name: "bank change by hub admin", target: "hub", method: "PUT", path: "/api/v1/producers/" + fx.producer + "/bank", as: "hubadmin", body: `{}`, want: 403},
		{name: "bank change approved by its maker", target: "hub", method: "POST", path: "/api/v1/bank-changes/" + fx.bankChange + "/approve", as: "finance", want: 403},
		{name: "bank change rejected by its maker", target: "hub", method: "POST", path: "/api/v1/bank-changes/" + fx.bankChange + "/reject", as: "finance", body: `{"reason":"mine"}`, want: 403},
		{name: "bank change rejected without reason", target: "hub", method: "POST", path: "/api/v1/bank-changes/" + fx.bankChange + "/reject", as: "fin2", body: `{"reason":"  "}`, want: 400},
		{name: "bank change rejected with NUL reason", target: "hub", method: "POST", path: "/api/v1/bank-changes/" + fx.bankChange + "/reject", as: "fin2", body: `{"reason":"no\u0000"}`, want: 400},
		{name: "bank change of no id approved", target: "hub", method: "POST", path: "/api/v1/bank-changes/0190a0b0-0000-7000-8000-000000000005/approve", as: "fin2", want: 404},
		{name: "bank changes bad status", target: "hub", method: "GET", path: "/api/v1/bank-changes?status=maybe", as: "finance", want: 400},
		{name: "bank beneficiary RTL override", target: "hub", method: "PUT", path: "/api/v1/producers/" + fx.producer + "/bank", as: "finance", body: `{"beneficiary":"Guild \u202e","account_no":"123456789012","ifsc":"SBIN0001234"}`, want: 400},
		{name: "bank beneficiary NUL", target: "hub", method: "PUT", path: "/api/v1/producers/" + fx.producer + "/bank", as: "finance", body: `{"beneficiary":"Guild\u0000","account_no":"123456789012","ifsc":"SBIN0001234"}`, want: 400},
		{name: "bank account letters", target: "hub", method: "PUT", path: "/api/v1/producers/" + fx.producer + "/bank", as: "finance", body: `{"beneficiary":"Guild","account_no":"12345678901X","ifsc":"SBIN0001234"}`, want: 400},
		{name: "bank of unknown producer", target: "hub", method: "PUT", path: "/api/v1/producers/PR-NOPE/bank", as: "finance", body: `{"beneficiary":"Guild","account_no":"123456789012","ifsc":"SBIN0001234"}`, want: 404},
		{name: "bank duplicate account key", target: "hub", method: "PUT", path: "/api/v1/producers/" + fx.producer + "/bank", as: "finance", body: `{"beneficiary":"Guild","account_no":"123456789012","account_no":"999999999999","ifsc":"SBIN0001234"}`, want: 400},

		// Users at the hub.
		{name: "finance unlocks a user", target: "hub", method: "POST", path: "/api/v1/users/badin.hubvictim/unlock", as: "finance", want: 403},
		{name: "hub admin unlocks nobody", target: "hub", method: "POST", path: "/api/v1/users/nobody.here/unlock", as: "hubadmin", want: 404},
		{name: "hub user display name RTL override", target: "hub", method: "POST", path: "/api/v1/users", as: "hubadmin", body: `{"username":"new.fin","password":"pass-word-1","role":"finance","display_name":"Fin \u202e"}`, want: 400},
	}
	return append(cs, badLockoutCases("hub", "badin.hubvictim")...)
}

// badEdgeCases are the HTTP edge at both ends: methods, unknown routes,
// headers, body types and limits, metrics.
func badEdgeCases(t *testing.T, e *badEnv) []badCase {
	fx := e.fx
	bigCSV := "sku,qty\n" + strings.Repeat(fx.sku+",1\n", (16<<20)/len(fx.sku+",1\n")+10)
	bigStatement := "reference,amount,time\n" + strings.Repeat("R1,10.00,2026-04-19T10:00:00Z\n", (32<<20)/30+10)
	bigHeader := map[string]string{"X-Pad": strings.Repeat("a", 20<<10)}
	deep := strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100)
	var out []badCase
	for _, target := range []string{"mall", "hub"} {
		as := map[string]string{"mall": "cashier", "hub": "finance"}[target]
		out = append(out,
			badCase{name: target + " GET on login", target: target, method: "GET", path: "/api/v1/auth/login", want: 405},
			badCase{name: target + " DELETE on login", target: target, method: "DELETE", path: "/api/v1/auth/login", want: 405},
			badCase{name: target + " PUT on healthz", target: target, method: "PUT", path: "/healthz", want: 405},
			badCase{name: target + " PATCH on products", target: target, method: "PATCH", path: "/api/v1/products", as: as, want: 405},
			badCase{name: target + " unknown route", target: target, method: "GET", path: "/api/v1/nope", as: as, want: 404},
			badCase{name: target + " unknown version", target: target, method: "GET", path: "/api/v2/products", as: as, want: 404},
			badCase{name: target + " unknown asset", target: target, method: "GET", path: "/assets/../../etc/passwd", want: 404},
			badCase{name: target + " metrics not on the API address", target: target, method: "GET", path: "/metrics", want: 404},
			badCase{name: target + " headers over 16 KB", target: target, method: "GET", path: "/api/v1/products", as: as, hdr: bigHeader, want: 431},
			badCase{name: target + " JSON nested 100 deep", target: target, method: "POST", path: "/api/v1/auth/login", body: deep, want: 400},
			badCase{name: target + " JSON as text/plain", target: target, method: "POST", path: "/api/v1/auth/login", ct: "text/plain", body: `{"username":"x","password":"y"}`, want: 415},
			badCase{name: target + " huge request id", target: target, method: "GET", path: "/api/v1/nope", as: as, hdr: map[string]string{"X-Request-Id": strings.Repeat("r", 10000)}, want: 404},
		)
	}
	imp := "/api/v1/zones/UP/receipts/import?producer_id=" + fx.producer
	return append(out,
		badCase{name: "CSV import as JSON", target: "mall", method: "POST", path: imp, as: "zm", key: "k-imp-0001", body: `{"sku":1}`, want: 415},
		badCase{name: "CSV import as XML", target: "mall", method: "POST", path: imp, as: "zm", key: "k-imp-0002", ct: "application/xml", body: "<csv/>", want: 415},
		badCase{name: "CSV import over 16 MB as text/csv", target: "mall", method: "POST", path: imp, as: "zm", key: "k-imp-0003", ct: "text/csv", body: bigCSV, want: 413},
		badCase{name: "CSV import over 16 MB as text/plain", target: "mall", method: "POST", path: imp, as: "zm", key: "k-imp-0004", ct: "text/plain", body: bigCSV, want: 413},
		badCase{name: "CSV import over 16 MB as multipart", target: "mall", method: "POST", path: imp, as: "zm", key: "k-imp-0005", ct: "multipart/form-data; boundary=xyz",
			body: "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n" + bigCSV + "\r\n--xyz--\r\n", want: 413},
		badCase{name: "CSV import by a cashier", target: "mall", method: "POST", path: imp, as: "cashier", ct: "text/csv", body: "sku,qty\n" + fx.sku + ",1\n", want: 403},
		badCase{name: "statement as JSON", target: "hub", method: "POST", path: "/api/v1/recon/statements", as: "finance", body: `{"x":1}`, want: 415},
		badCase{name: "statement as an image", target: "hub", method: "POST", path: "/api/v1/recon/statements", as: "finance", ct: "image/png", body: "\x89PNG", want: 415},
		badCase{name: "statement over 32 MB", target: "hub", method: "POST", path: "/api/v1/recon/statements", as: "finance", ct: "text/csv", body: bigStatement, want: 413},
		badCase{name: "statement garbage CSV", target: "hub", method: "POST", path: "/api/v1/recon/statements", as: "finance", ct: "text/csv", body: "a,b\n\x00,\u202e\n", want: 400},
		badCase{name: "bank response as JSON", target: "hub", method: "POST", path: "/api/v1/payouts/results", as: "finance", body: `[]`, want: 415},
		badCase{name: "bank response by hub admin", target: "hub", method: "POST", path: "/api/v1/payouts/results", as: "hubadmin", ct: "text/csv", body: "reference,status,utr,reason\n", want: 403},
		badCase{name: "bank response unknown payout", target: "hub", method: "POST", path: "/api/v1/payouts/results", as: "finance", ct: "text/csv", body: "reference,status,utr,reason\nEKTA-NOPE,paid,UTR1,\n", want: 400},
	)
}
