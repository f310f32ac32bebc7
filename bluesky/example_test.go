package bluesky_test

import (
	"fmt"

	"gears/bluesky"
)

func ExampleDetectFacets() {
	text := "¡Hola @alice.bsky.social! Mira https://example.com/a_(b). #Año2025"
	for _, f := range bluesky.DetectFacets(text) {
		fmt.Printf("%s %d-%d %q → %s\n", f.Kind, f.Start, f.End, text[f.Start:f.End], f.Value)
	}
	// Output:
	// mention 7-25 "@alice.bsky.social" → alice.bsky.social
	// link 32-57 "https://example.com/a_(b)" → https://example.com/a_(b)
	// tag 59-68 "#Año2025" → Año2025
}

func ExampleRecordKey() {
	fmt.Println(bluesky.RecordKey("3l25zusnsfctk"))                    // a TID is its own record key
	fmt.Println(bluesky.RecordKey("0123456789abcdef0123456789abcdef")) // anything else maps to a TID
	fmt.Println(bluesky.ValidTID(bluesky.NewKey()))
	// Output:
	// 3l25zusnsfctk
	// 3kelyfgggb5j4
	// true
}

func ExampleGraphemes() {
	fmt.Println(bluesky.Graphemes("👨‍👩‍👧 e\u0301 日本"), len("👨‍👩‍👧 e\u0301 日本"))
	// Output: 6 29
}
