package graceful

import (
	"encoding/json"
	"reflect"
	"testing"
)

// socketCases are socket lists as the protocol carries them, with the
// strings that JSON escapes.
var socketCases = [][]socketName{
	nil,
	{},
	{{Network: "tcp", Address: ":8080", Bound: "[::]:8080"}},
	{{Network: "unix", Address: "/run/a,b \"c\"\\d.sock", Bound: "/run/a,b \"c\"\\d.sock", Activated: true}, {Network: "tcp4", Address: "127.0.0.1:0", Bound: "127.0.0.1:41234"}},
	{{Network: "unix", Address: "@abstract\x00name\n\t\r\x01\x1f<>&", Bound: "héllo \u2028\u2029 \U0001F600 \ufffd \x7f"}},
	{{Network: "unix", Address: "bad\xffutf8\xc3", Bound: ""}},
}

// TestSocketsJSONIsEncodingJSON: the hand-written encoding reads back, with
// encoding/json (what other versions of the runtime use), as what
// encoding/json's own encoding reads back as, and the hand-written decoder
// reads both encodings as encoding/json does.
func TestSocketsJSONIsEncodingJSON(t *testing.T) {
	for _, names := range socketCases {
		std, err := json.Marshal(names)
		if err != nil {
			t.Fatal(err)
		}
		var want []socketName
		if err := json.Unmarshal(std, &want); err != nil {
			t.Fatal(err)
		}
		ours := encodeSockets(names)
		var got []socketName
		if err := json.Unmarshal([]byte(ours), &got); err != nil {
			t.Errorf("encoding/json cannot read %q: %v", ours, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("encoding/json reads our %q as %#v, want %#v", ours, got, want)
		}
		if ours != string(std) {
			t.Errorf("encoded %#v as\n%s\nencoding/json writes\n%s", names, ours, std)
		}
		for _, enc := range []string{ours, string(std)} {
			dec, err := decodeSockets(enc)
			if err != nil || !reflect.DeepEqual(dec, want) {
				t.Errorf("decodeSockets(%q) = %#v, %v; want %#v", enc, dec, err, want)
			}
		}
	}
}

// jsonInputs are texts another encoder could write, or garbage: the
// decoder must accept what encoding/json accepts, with the same result,
// and refuse what it refuses.
var jsonInputs = []string{
	`null`, ` [ ] `, `[null]`, "[{}]\n",
	`[{"NETWORK":"tcp","Address":"a","bOuNd":"b","ACTIVATED":true}]`,
	`[{"network":"tcp","network":"udp"}]`,
	`[{"network":null,"activated":null}]`,
	`[{"extra":{"a":[1,-2.5e+3,true,false,null,"x",{}]},"network":"tcp","n":0,"m":-0.0e0}]`,
	`[{"network":"\u0041\u00e9\ud83d\ude00\ud800x\udc00\/\b\f"}]`,
	`[{"network":"\uD83D\uDE00"}]`,
	`[{"network":"a\u12"}]`, `[{"network":"a\x"}]`, `[{"network":"a`, `[{"network":"a` + "\n" + `"}]`,
	`[{"network":1}]`, `[{"activated":"true"}]`, `[{"activated":1}]`,
	`[{"n":01}]`, `[{"n":1.}]`, `[{"n":-}]`, `[{"n":1e}]`, `[{"n":+1}]`, `[{"n":.5}]`,
	`[{"network":"tcp"},]`, `[{"network":"tcp",}]`, `[{"network" "tcp"}]`, `[{network:"tcp"}]`,
	`[] x`, `[]]`, `{}`, `"x"`, ``, `[`, `[{"a":tru}]`, `[nul]`,
	`[{"network":"` + "\xff" + `"}]`,
}

func TestSocketsJSONDecodesAsEncodingJSON(t *testing.T) {
	for _, in := range jsonInputs {
		checkDecodesAsEncodingJSON(t, in)
	}
}

func FuzzSocketsJSON(f *testing.F) {
	for _, in := range jsonInputs {
		f.Add(in)
	}
	for _, names := range socketCases {
		f.Add(encodeSockets(names))
	}
	f.Fuzz(checkDecodesAsEncodingJSON)
}

func checkDecodesAsEncodingJSON(t *testing.T, in string) {
	var want []socketName
	stdErr := json.Unmarshal([]byte(in), &want)
	got, err := decodeSockets(in)
	switch {
	case (err == nil) != (stdErr == nil):
		t.Errorf("decodeSockets(%q): error %v, encoding/json: %v", in, err, stdErr)
	case err == nil && !reflect.DeepEqual(got, want):
		t.Errorf("decodeSockets(%q) = %#v, encoding/json reads %#v", in, got, want)
	case err == nil:
		// What we decoded encodes back to what encoding/json writes.
		std, _ := json.Marshal(got)
		if enc := encodeSockets(got); enc != string(std) {
			t.Errorf("re-encoded %q as %s, encoding/json writes %s", in, enc, std)
		}
	}
}
