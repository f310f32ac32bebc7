package mastodon_test

import (
	"fmt"

	"gears/mastodon"
)

func ExampleNormalizeServer() {
	for _, s := range []string{"Mastodon.Social/", "http://127.0.0.1:3000", "http://mastodon.social"} {
		base, err := mastodon.NormalizeServer(s)
		fmt.Printf("%q %v\n", base, err != nil)
	}
	// Output:
	// "https://mastodon.social" false
	// "http://127.0.0.1:3000" false
	// "" true
}

func ExampleAuthorizeURL() {
	u, _ := mastodon.AuthorizeURL("mastodon.social", "CLIENT", "https://gears.example/callback", mastodon.Scopes, "xyz")
	fmt.Println(u)
	// Output: https://mastodon.social/oauth/authorize?client_id=CLIENT&redirect_uri=https%3A%2F%2Fgears.example%2Fcallback&response_type=code&scope=read%3Aaccounts+read%3Astatuses+read%3Anotifications+read%3Asearch+write%3Astatuses+write%3Amedia&state=xyz
}
