package testenv

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// Mail is one email as the local SES stored it.
type Mail struct {
	MessageID   string `json:"messageId"`
	From        string `json:"from"`
	Destination struct {
		To []string `json:"to"`
	} `json:"destination"`
	Subject string `json:"subject"`
	Body    struct {
		Text string `json:"text"`
		HTML string `json:"html"`
	} `json:"body"`
	At int64 `json:"at"`
}

// MailsTo returns every email the local SES holds for the address, oldest
// first. Tests use addresses of their own, so the store can be shared.
func MailsTo(t testing.TB, to string) []Mail {
	t.Helper()
	res, err := http.Get(os.Getenv("SES_LOCAL_STORE"))
	if err != nil {
		t.Fatalf("read the local SES store: %v", err)
	}
	defer res.Body.Close()
	var store struct {
		Emails []Mail `json:"emails"`
	}
	if err := json.NewDecoder(res.Body).Decode(&store); err != nil {
		t.Fatalf("decode the local SES store: %v", err)
	}
	var out []Mail
	for _, m := range store.Emails {
		for _, d := range m.Destination.To {
			if strings.EqualFold(d, to) {
				out = append(out, m)
			}
		}
	}
	return out
}

// WaitMails polls until the address has n emails (or a few seconds pass) and
// returns what is there.
func WaitMails(t testing.TB, to string, n int) []Mail {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := MailsTo(t, to)
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Email returns a fresh address at a test domain, unique to this run.
func Email(prefix string) string {
	return prefix + "-" + randomHex(5) + "@trade.test"
}
