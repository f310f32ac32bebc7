package sentiment

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxBytes caps the work per message: only the first maxBytes of a text are
// read. A social-media message's tone shows long before that.
const maxBytes = 5000

// token is a word, emoji or emoticon: a span of state.buf, which holds the
// normalised tokens separated by single spaces (so a phrase is a sub-slice).
type token struct {
	start, end int32
	flags      uint8
	ent        entry // zero unless tKnown
}

// Token flags.
const (
	tCaps  uint8 = 1 << iota // all letters upper case ("AWFUL")
	tWord                    // at least two letters: counts for the caps rule
	tElong                   // a letter repeated three times or more ("sooo")
	tBreak                   // a clause boundary (. , ! ? ; ...) comes before it
	tEmoji                   // emoji or emoticon
	tQuest                   // in a sentence that ends with a question mark
	tKnown                   // found in the lexicon: ent is set
)

// state is the reusable scratch space of one Analyze call.
type state struct {
	buf     []byte      // normalised tokens, space separated
	scratch []byte      // de-elongated candidates
	toks    []token     // tokens in order
	eff     []*langInfo // per token: its meaning in the language being scored
	excl    int         // exclamation marks
	quest   int         // question marks
	sent    int         // index of the first token of the current sentence
	esHint  int         // ¿ ¡ ñ and acute accents: a hint of Spanish

	lx *lexicon // nil while the lexicon itself is being built

	// the word being read
	inWord    bool
	mark      int // len(buf) before the word and its separator
	start     int // start of the word in buf
	letters   int
	uppers    int
	last      rune
	run       int
	elong     bool
	prevLower bool
	hashtag   bool // inside a #hashtag: split CamelCase
	brk       bool // a clause boundary is pending for the next token
}

func (s *state) reset() {
	s.buf = s.buf[:0]
	s.scratch = s.scratch[:0]
	s.toks = s.toks[:0]
	s.eff = s.eff[:0]
	s.excl, s.quest, s.sent, s.esHint = 0, 0, 0, 0
	s.inWord, s.hashtag, s.brk = false, false, false
}

// tokenize splits text into normalised tokens: lower case, Latin diacritics
// stripped, URLs, @mentions and HTML tags skipped, emoji and emoticons kept.
// It looks each token up in lx unless lx is nil. Any input is accepted:
// invalid UTF-8 is a separator.
func (s *state) tokenize(text string, lx *lexicon) {
	if len(text) > maxBytes {
		text = text[:maxBytes]
	}
	s.lx = lx
	for i := 0; i < len(text); {
		c := text[i]
		if c >= 'a' && c <= 'z' && s.inWord && !s.hashtag {
			// Fast path: a lower-case letter inside a word.
			s.letters++
			if rune(c) == s.last {
				s.run++
				s.elong = s.elong || s.run >= 3
			} else {
				s.last, s.run = rune(c), 1
			}
			s.buf = append(s.buf, c)
			s.prevLower = true
			i++
			continue
		}
		if c < utf8.RuneSelf {
			i += s.ascii(text, i)
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			s.sep()
		case isEmojiModifier(r):
			// joiners, variation selectors, skin tones: part of the emoji
		case r == '’' || r == 'ʼ' || r == '‘':
			s.apostrophe(text, i+size)
		case unicode.IsLetter(r):
			switch r {
			case 'ñ', 'á', 'é', 'í', 'ó', 'ú', 'Ñ', 'Á', 'É', 'Í', 'Ó', 'Ú':
				s.esHint++
			}
			lower := unicode.ToLower(r)
			s.addRune(fold(lower), true, lower != r)
		case unicode.Is(unicode.Mn, r):
			if !s.inWord {
				s.sep()
			} // a combining accent: dropped, as diacritics are
		case unicode.IsDigit(r):
			s.addRune(r, false, false)
		case isEmoji(r):
			s.endWord()
			s.emit(text[i:i+size], tEmoji)
		case unicode.IsPunct(r):
			if r == '¿' || r == '¡' {
				s.esHint++
			}
			s.clause()
		default: // spaces and symbols
			s.sep()
			s.hashtag = false
		}
		i += size
	}
	s.endWord()
}

// ascii handles the ASCII byte at text[i] and returns how many bytes it used.
func (s *state) ascii(text string, i int) int {
	c := text[i]
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		if !s.inWord && (c|0x20 == 'h' || c|0x20 == 'w') {
			if n := urlLen(text[i:]); n > 0 {
				s.sep()
				return n
			}
		}
		upper := c <= 'Z'
		if upper {
			c += 'a' - 'A'
		}
		s.addRune(rune(c), true, upper)
		return 1
	case c >= '0' && c <= '9':
		s.addRune(rune(c), false, false)
		return 1
	case c == '\'':
		s.apostrophe(text, i+1)
		return 1
	case c == '!':
		s.excl++
		s.sentence()
		return 1
	case c == '?':
		s.quest++
		s.clause()
		for j := s.sent; j < len(s.toks); j++ {
			s.toks[j].flags |= tQuest
		}
		s.sent = len(s.toks)
		return 1
	case c == '.' || c == ',':
		switch {
		case i > 0 && isDigit(text[i-1]) && i+1 < len(text) && isDigit(text[i+1]):
			s.sep() // 4.5, 1,000
		case c == '.':
			s.sentence()
		default:
			s.clause()
		}
		return 1
	case c == '@':
		s.sep()
		n := 1
		for i+n < len(text) && (isAlnum(text[i+n]) || text[i+n] == '_') {
			n++
		}
		return n
	case c == '#':
		s.sep()
		s.hashtag = true
		return 1
	case c == '&':
		return s.entity(text, i)
	}
	if n := emoticonLen(text, i); n > 0 {
		s.endWord()
		s.emit(text[i:i+n], tEmoji)
		return n
	}
	switch c {
	case '<':
		if i+1 < len(text) && (isLetter(text[i+1]) || text[i+1] == '/' || text[i+1] == '!') {
			end := len(text)
			if end > i+512 {
				end = i + 512
			}
			if j := strings.IndexByte(text[i:end], '>'); j > 0 {
				s.clause() // an HTML tag
				return j + 1
			}
		}
		s.sep()
	case '\n', '\r':
		s.sentence()
	case ':', ';', '(', ')', '[', ']', '{', '}', '"':
		s.clause()
	case ' ', '\t':
		s.sep()
		s.hashtag = false
	default:
		s.sep()
	}
	return 1
}

// entity skips an HTML entity such as &amp; at text[i], reading &#39; and
// friends as an apostrophe.
func (s *state) entity(text string, i int) int {
	j := i + 1
	for j < len(text) && j-i <= 8 && (isAlnum(text[j]) || text[j] == '#') {
		j++
	}
	if j >= len(text) || text[j] != ';' || j == i+1 {
		s.sep()
		return 1
	}
	switch strings.ToLower(text[i+1 : j]) {
	case "#39", "apos", "rsquo", "#8217", "#x27":
		s.apostrophe(text, j+1)
	default:
		s.sep()
	}
	return j + 1 - i
}

// apostrophe keeps an apostrophe inside a word (don't, it's) and treats any
// other as a separator; next is the index after it.
func (s *state) apostrophe(text string, next int) {
	if s.inWord && next < len(text) {
		r, _ := utf8.DecodeRuneInString(text[next:])
		if unicode.IsLetter(r) {
			s.buf = append(s.buf, '\'')
			s.last, s.run = '\'', 1
			return
		}
	}
	s.sep()
}

func (s *state) sep() { s.endWord() }

func (s *state) clause() {
	s.endWord()
	s.brk = true
}

// sentence ends a sentence (and so a clause).
func (s *state) sentence() {
	s.clause()
	s.sent = len(s.toks)
}

func (s *state) begin() {
	s.inWord = true
	s.mark = len(s.buf)
	if len(s.buf) > 0 {
		s.buf = append(s.buf, ' ')
	}
	s.start = len(s.buf)
	s.letters, s.uppers, s.run, s.last = 0, 0, 0, 0
	s.elong, s.prevLower = false, false
}

// addRune appends a normalised letter or digit to the current word.
func (s *state) addRune(r rune, letter, upper bool) {
	if s.inWord && s.hashtag && upper && s.prevLower {
		s.endWord() // #WorstServiceEver
	}
	if !s.inWord {
		s.begin()
	}
	if letter {
		s.letters++
		if upper {
			s.uppers++
		}
	}
	if r == s.last {
		s.run++
		if s.run >= 3 && letter {
			s.elong = true
		}
	} else {
		s.last, s.run = r, 1
	}
	if r < utf8.RuneSelf {
		s.buf = append(s.buf, byte(r))
	} else {
		s.buf = utf8.AppendRune(s.buf, r)
	}
	s.prevLower = letter && !upper
}

// endWord closes the current word, if any, into a token.
func (s *state) endWord() {
	if !s.inWord {
		return
	}
	s.inWord = false
	if len(s.buf) == s.start {
		s.buf = s.buf[:s.mark]
		return
	}
	var f uint8
	if s.letters >= 2 {
		f |= tWord
		if s.uppers == s.letters {
			f |= tCaps
		}
	}
	if s.elong {
		f |= tElong
	}
	s.push(f)
}

// emit adds an emoji or emoticon token made of raw (lower-cased, modifiers dropped).
func (s *state) emit(raw string, f uint8) {
	s.mark = len(s.buf)
	if len(s.buf) > 0 {
		s.buf = append(s.buf, ' ')
	}
	s.start = len(s.buf)
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		s.buf = append(s.buf, c)
	}
	s.push(f)
}

func (s *state) push(f uint8) {
	if s.brk {
		f |= tBreak
		s.brk = false
	}
	s.toks = append(s.toks, token{start: int32(s.start), end: int32(len(s.buf)), flags: f})
	if s.lx != nil {
		t := &s.toks[len(s.toks)-1]
		if s.lookup(&t.ent, s.buf[s.start:], f&tElong != 0) {
			t.flags |= tKnown
		}
	}
}

// lookup finds a normalised token in the lexicon, trying de-elongated forms
// ("goooood" → "good", "graciasss" → "gracias"), n't negations and laughter.
func (s *state) lookup(dst *entry, w []byte, elong bool) bool {
	lx := s.lx
	var ok bool
	if *dst, ok = lx.words[string(w)]; ok {
		return true
	}
	if elong {
		for _, keep := range [...]int{2, 1} {
			s.scratch = collapse(s.scratch[:0], w, keep)
			if *dst, ok = lx.words[string(s.scratch)]; ok {
				return true
			}
		}
	}
	switch n := len(w); {
	case n > 3 && w[n-1] == 't' && w[n-2] == '\'' && w[n-3] == 'n':
		*dst = lx.nt
	case isLaugh(w):
		*dst = lx.laugh
	default:
		return false
	}
	return true
}

// collapse appends w to dst with runs of a letter longer than keep cut to keep.
func collapse(dst, w []byte, keep int) []byte {
	run := 0
	for i := 0; i < len(w); i++ {
		if i > 0 && w[i] == w[i-1] {
			run++
		} else {
			run = 1
		}
		if run <= keep {
			dst = append(dst, w[i])
		}
	}
	return dst
}

// isLaugh recognises written laughter: jaja, jejeje, hahaha, jsjsjs.
func isLaugh(w []byte) bool {
	if len(w) < 4 || (w[0] != 'j' && w[0] != 'h') {
		return false
	}
	cons, vow := 0, 0
	for _, c := range w {
		switch c {
		case 'j', 'h':
			cons++
		case 'a', 'e', 'i', 's':
			vow++
		default:
			return false
		}
	}
	return cons >= 2 && vow >= 2
}

// urlLen returns the length of a URL at the start of t, or 0.
func urlLen(t string) int {
	if !hasPrefixFold(t, "http://") && !hasPrefixFold(t, "https://") && !hasPrefixFold(t, "www.") {
		return 0
	}
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case ' ', '\t', '\n', '\r', '<', '"':
			return i
		}
	}
	return len(t)
}

func hasPrefixFold(t, prefix string) bool {
	return len(t) >= len(prefix) && strings.EqualFold(t[:len(prefix)], prefix)
}

// emoticons, longest first so that ":-(" wins over ":-".
var emoticons = [...]string{
	">:-(", ">:(", ":-)", ":-(", ":-d", ":-p", ":-/", ";-)", ":')", ":'(", "</3", "^_^", "-_-",
	":)", ":(", ":d", ":p", ":/", ":|", ":]", ":[", ":3", ":o", ":s", ":c", ":@", ":*",
	";)", ";(", "=)", "=(", "=d", "<3", "^^",
}

// emoticonLen returns the length of an emoticon at text[i], or 0. An
// emoticon must not touch a digit before it (10:30) nor a letter or digit
// after it (re:Deploy); those starting with = < > ^ - must not follow a letter.
func emoticonLen(text string, i int) int {
	c := text[i]
	if c != ':' && c != ';' && c != '=' && c != '<' && c != '>' && c != '^' && c != '-' {
		return 0
	}
	if i > 0 {
		p := text[i-1]
		if isDigit(p) || (c != ':' && c != ';' && isLetter(p)) {
			return 0
		}
	}
	for _, e := range emoticons {
		if len(text)-i < len(e) || !strings.EqualFold(text[i:i+len(e)], e) {
			continue
		}
		if j := i + len(e); j < len(text) && (isAlnum(text[j]) || (text[j] == '/' && e[len(e)-1] == '/')) {
			continue
		}
		return len(e)
	}
	return 0
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }

// isEmoji reports whether r is a pictograph that is a token of its own.
func isEmoji(r rune) bool {
	switch {
	case r >= 0x1F300 && r <= 0x1FAFF, // pictographs, emoticons, transport, supplemental
		r >= 0x2600 && r <= 0x27BF,   // misc symbols, dingbats (☀ ☹ ❤ ✅ ❌)
		r >= 0x1F000 && r <= 0x1F2FF, // tiles, cards, enclosed
		r == 0x2B50, r == 0x2B55, r == 0x2B06, r == 0x2B07, r == 0x2B05, r == 0x2934, r == 0x2935,
		r == 0x231A, r == 0x231B, r == 0x23F0, r == 0x23F3, r == 0x203C, r == 0x2049:
		return true
	}
	return false
}

// isEmojiModifier reports whether r only modifies the emoji before it.
func isEmojiModifier(r rune) bool {
	return r == 0xFE0F || r == 0xFE0E || r == 0x200D || r == 0x20E3 ||
		(r >= 0x1F3FB && r <= 0x1F3FF) || (r >= 0xE0020 && r <= 0xE007F)
}

// fold strips the diacritics of a lower-case Latin letter: á → a, ñ → n, ü → u.
func fold(r rune) rune {
	if r < 0xE0 || r > 0x17F {
		return r
	}
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'ā', 'ă', 'ą':
		return 'a'
	case 'ç', 'ć', 'č':
		return 'c'
	case 'è', 'é', 'ê', 'ë', 'ē', 'ė', 'ę', 'ě':
		return 'e'
	case 'ì', 'í', 'î', 'ï', 'ī', 'į', 'ı':
		return 'i'
	case 'ñ', 'ń', 'ň':
		return 'n'
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø', 'ō', 'ő':
		return 'o'
	case 'ù', 'ú', 'û', 'ü', 'ū', 'ů', 'ű':
		return 'u'
	case 'ý', 'ÿ':
		return 'y'
	}
	return r
}
