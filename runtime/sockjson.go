package graceful

import (
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The socket names travel as JSON (GRACEFUL_LISTENERS, the readiness report
// to the supervisor), which runtimes of other versions read and write with
// encoding/json. They are encoded and decoded here by hand: encoding/json
// with its reflection would be the largest package the runtime links, for
// one small array (see TestRuntimeDeps). The decoder accepts what
// encoding/json accepts for a []socketName (keys in any order and of any
// case, unknown keys, null, escapes) and decodes it to the same value.

// encodeSockets returns names as a JSON array of socketName objects,
// byte for byte as encoding/json writes it.
func encodeSockets(names []socketName) string {
	if names == nil {
		return "null"
	}
	b := []byte{'['}
	for i, n := range names {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(append(b, `{"network":`...), n.Network)
		b = appendJSONString(append(b, `,"address":`...), n.Address)
		b = appendJSONString(append(b, `,"bound":`...), n.Bound)
		if n.Activated {
			b = append(b, `,"activated":true`...)
		}
		b = append(b, '}')
	}
	return string(append(b, ']'))
}

// appendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it (HTML characters too; invalid UTF-8 becomes U+FFFD).
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\b':
				b = append(b, '\\', 'b')
			case c == '\f':
				b = append(b, '\\', 'f')
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// decodeSockets decodes a JSON array of socketName objects.
func decodeSockets(data string) ([]socketName, error) {
	d := jsonDecoder{s: data}
	names, err := d.sockets()
	if err == nil {
		d.space()
		if d.i < len(d.s) {
			err = d.errorf("data after the array")
		}
	}
	if err != nil {
		return nil, err
	}
	return names, nil
}

// jsonDecoder reads the JSON text s from offset i.
type jsonDecoder struct {
	s string
	i int
}

func (d *jsonDecoder) errorf(format string, args ...any) error {
	return fmt.Errorf("invalid JSON at offset %d: %s", d.i, fmt.Sprintf(format, args...))
}

func (d *jsonDecoder) space() {
	for d.i < len(d.s) && (d.s[d.i] == ' ' || d.s[d.i] == '\t' || d.s[d.i] == '\n' || d.s[d.i] == '\r') {
		d.i++
	}
}

// peek returns the next byte after white space, 0 at the end.
func (d *jsonDecoder) peek() byte {
	d.space()
	if d.i < len(d.s) {
		return d.s[d.i]
	}
	return 0
}

// expect consumes c after white space.
func (d *jsonDecoder) expect(c byte) error {
	if d.peek() != c {
		return d.errorf("want %q", c)
	}
	d.i++
	return nil
}

// literal consumes the literal word (true, false, null) when it comes next.
func (d *jsonDecoder) literal(word string) bool {
	d.space()
	if strings.HasPrefix(d.s[d.i:], word) {
		d.i += len(word)
		return true
	}
	return false
}

// sequence reads the elements of an array (open '[', close ']') or the
// members of an object ('{', '}'), calling each for every one of them.
func (d *jsonDecoder) sequence(open, close byte, each func() error) error {
	if err := d.expect(open); err != nil {
		return err
	}
	if d.peek() == close {
		d.i++
		return nil
	}
	for {
		if err := each(); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.i++
		case close:
			d.i++
			return nil
		default:
			return d.errorf("want ',' or %q", close)
		}
	}
}

func (d *jsonDecoder) sockets() ([]socketName, error) {
	if d.literal("null") {
		return nil, nil
	}
	names := []socketName{}
	err := d.sequence('[', ']', func() error {
		var n socketName
		if d.literal("null") {
			names = append(names, n)
			return nil
		}
		err := d.sequence('{', '}', func() error {
			key, err := d.str()
			if err != nil {
				return err
			}
			if err := d.expect(':'); err != nil {
				return err
			}
			if d.literal("null") {
				return nil // leaves the field as it was, as encoding/json does
			}
			switch {
			case strings.EqualFold(key, "network"):
				n.Network, err = d.str()
			case strings.EqualFold(key, "address"):
				n.Address, err = d.str()
			case strings.EqualFold(key, "bound"):
				n.Bound, err = d.str()
			case strings.EqualFold(key, "activated"):
				switch {
				case d.literal("true"):
					n.Activated = true
				case d.literal("false"):
					n.Activated = false
				default:
					err = d.errorf("want a boolean for %q", key)
				}
			default:
				err = d.skip()
			}
			return err
		})
		names = append(names, n)
		return err
	})
	return names, err
}

// skip consumes one value of any kind.
func (d *jsonDecoder) skip() error {
	switch c := d.peek(); {
	case c == '"':
		_, err := d.str()
		return err
	case c == '[':
		return d.sequence('[', ']', d.skip)
	case c == '{':
		return d.sequence('{', '}', func() error {
			if _, err := d.str(); err != nil {
				return err
			}
			if err := d.expect(':'); err != nil {
				return err
			}
			return d.skip()
		})
	case d.literal("true"), d.literal("false"), d.literal("null"):
		return nil
	case c == '-' || '0' <= c && c <= '9':
		start := d.i
		for d.i < len(d.s) && strings.IndexByte("+-.eE0123456789", d.s[d.i]) >= 0 {
			d.i++
		}
		if !validJSONNumber(d.s[start:d.i]) {
			d.i = start
			return d.errorf("invalid number")
		}
		return nil
	default:
		return d.errorf("want a value")
	}
}

// validJSONNumber reports whether s is a number in JSON's grammar.
func validJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// str consumes a string and returns its value, invalid UTF-8 and lone
// surrogates replaced by U+FFFD as encoding/json replaces them.
func (d *jsonDecoder) str() (string, error) {
	if err := d.expect('"'); err != nil {
		return "", err
	}
	var b strings.Builder
	for {
		if d.i >= len(d.s) {
			return "", d.errorf("unterminated string")
		}
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			return b.String(), nil
		case c < 0x20:
			return "", d.errorf("control character in string")
		case c == '\\':
			if err := d.escape(&b); err != nil {
				return "", err
			}
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			d.i++
		default:
			r, size := utf8.DecodeRuneInString(d.s[d.i:])
			b.WriteRune(r) // RuneError for an invalid byte
			d.i += size
		}
	}
}

// escape consumes one escape sequence of a string and writes its value.
func (d *jsonDecoder) escape(b *strings.Builder) error {
	if d.i+1 >= len(d.s) {
		return d.errorf("unterminated escape")
	}
	c := d.s[d.i+1]
	if i := strings.IndexByte(`"\/bfnrt`, c); i >= 0 {
		b.WriteByte("\"\\/\b\f\n\r\t"[i])
		d.i += 2
		return nil
	}
	if c != 'u' {
		return d.errorf("invalid escape")
	}
	r, ok := d.hex4(d.i + 2)
	if !ok {
		return d.errorf("invalid \\u escape")
	}
	d.i += 6
	if utf16.IsSurrogate(r) {
		if lo, ok := d.hex4(d.i + 2); ok && strings.HasPrefix(d.s[d.i:], `\u`) {
			if pair := utf16.DecodeRune(r, lo); pair != utf8.RuneError {
				b.WriteRune(pair)
				d.i += 6
				return nil
			}
		}
		r = utf8.RuneError
	}
	b.WriteRune(r)
	return nil
}

// hex4 reads four hexadecimal digits at offset at.
func (d *jsonDecoder) hex4(at int) (rune, bool) {
	if at+4 > len(d.s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(d.s[at : at+4]) {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
