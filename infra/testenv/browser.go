package testenv

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/partner-portal/portal/infra/localstack"
)

// Browser starts headless Chromium (Debian's, which make test installs with
// infra/scripts/ensure-chromium.sh; $CHROMIUM overrides the path) and returns
// a context driving one tab, closed with the test.
func Browser(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("CHROMIUM")
	if path == "" {
		var err error
		if path, err = exec.LookPath("chromium"); err != nil {
			t.Fatalf("no chromium on PATH (make test installs it): %v", err)
		}
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		// This machine has no internet: without these Chromium keeps trying.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(900, 1100),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	return ctx
}

// SaveArtifact keeps a file of the test run under artifacts/ at the module
// root (git-ignored), such as a screenshot.
func SaveArtifact(t *testing.T, name string, b []byte) {
	t.Helper()
	root, err := localstack.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("artifact: %s", filepath.Join(dir, name))
}

// shown keeps, in an XPath step, the elements that are not inside a hidden
// one: a page shows one of several views, and a person sees only that one.
const shown = `[not(ancestor-or-self::*[@hidden])]`

// Field selects the form field a person finds by its label: the element
// whose id the for attribute of the shown label reading label names.
func Field(label string) chromedp.Search {
	return chromedp.Search(fmt.Sprintf(`//*[@id=//label[normalize-space()=%s]%s/@for]`, xpathString(label), shown))
}

// Button selects the shown button that reads text.
func Button(text string) chromedp.Search {
	return chromedp.Search(fmt.Sprintf(`//button[normalize-space()=%s]%s`, xpathString(text), shown))
}

// Link selects the shown link that reads text.
func Link(text string) chromedp.Search {
	return chromedp.Search(fmt.Sprintf(`//a[normalize-space()=%s]%s`, xpathString(text), shown))
}

// xpathString quotes s as an XPath 1.0 string literal (which has no
// escapes: a string with both quote kinds becomes a concat()).
func xpathString(s string) string {
	if !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	if !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	return `concat("` + strings.ReplaceAll(s, `"`, `", '"', "`) + `")`
}

// Tab is one browser tab driven as a person drives it: fields found by their
// labels, buttons and links by their text. Every step that fails ends the
// test.
type Tab struct {
	t   *testing.T
	Ctx context.Context
}

// NewTab starts the browser (see Browser) and returns its tab.
func NewTab(t *testing.T) *Tab {
	t.Helper()
	return &Tab{t: t, Ctx: Browser(t)}
}

// Do runs steps.
func (b *Tab) Do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.Ctx, steps...); err != nil {
		b.t.Fatal(err)
	}
}

// Open loads url.
func (b *Tab) Open(url string) {
	b.t.Helper()
	b.Do(chromedp.Navigate(url))
}

// Type empties the field labelled label and types text into it, key by
// key, as a person does (the page sees every input event).
func (b *Tab) Type(label, text string) {
	b.t.Helper()
	b.Do(chromedp.WaitVisible(Field(label)))
	l, _ := json.Marshal(label)
	// (chromedp.SetValue cannot set "": it reads the empty result as a failure.)
	Eval[bool](b, fmt.Sprintf(`(() => {
		const label = [...document.querySelectorAll("label")].find(l => !l.closest("[hidden]") && l.textContent.trim() === %s);
		document.getElementById(label.htmlFor).value = "";
		return true;
	})()`, l))
	b.Do(chromedp.SendKeys(Field(label), text))
}

// Choose picks the option reading option in the select labelled label, once
// the page has put it there, and tells the page as a change of the field.
func (b *Tab) Choose(label, option string) {
	b.t.Helper()
	sel := fmt.Sprintf(`//select[@id=//label[normalize-space()=%s]%s/@for]/option[normalize-space()=%s]`, xpathString(label), shown, xpathString(option))
	b.Do(chromedp.WaitReady(chromedp.Search(sel)))
	l, _ := json.Marshal(label)
	o, _ := json.Marshal(option)
	ok := Eval[bool](b, fmt.Sprintf(`(() => {
		const label = [...document.querySelectorAll("label")].find(l => !l.closest("[hidden]") && l.textContent.trim() === %s);
		const select = document.getElementById(label.htmlFor);
		const option = [...select.options].find(o => o.textContent.trim() === %s);
		select.focus();
		select.value = option.value;
		select.dispatchEvent(new Event("input", { bubbles: true }));
		select.dispatchEvent(new Event("change", { bubbles: true }));
		return select.value === option.value;
	})()`, l, o))
	if !ok {
		b.t.Fatalf("could not choose %q in %q", option, label)
	}
}

// Description is what a screen reader reads after the field labelled
// label: the text of the elements its aria-describedby names.
func (b *Tab) Description(label string) string {
	b.t.Helper()
	l, _ := json.Marshal(label)
	return strings.Join(strings.Fields(Eval[string](b, fmt.Sprintf(`(() => {
		const label = [...document.querySelectorAll("label")].find(l => !l.closest("[hidden]") && l.textContent.trim() === %s);
		const field = document.getElementById(label.htmlFor);
		return (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean)
			.map(id => document.getElementById(id).textContent).join(" ");
	})()`, l))), " ")
}

// Focused is the label (or else the text) of the element that has the
// focus.
func (b *Tab) Focused() string {
	b.t.Helper()
	return strings.TrimSpace(Eval[string](b, `(() => {
		const el = document.activeElement;
		return el.labels && el.labels.length > 0 ? el.labels[0].textContent : el.textContent;
	})()`))
}

// Press clicks the visible button reading text.
func (b *Tab) Press(text string) {
	b.t.Helper()
	b.Do(chromedp.Click(Button(text)))
}

// Follow clicks the visible link reading text.
func (b *Tab) Follow(text string) {
	b.t.Helper()
	b.Do(chromedp.Click(Link(text)))
}

// WaitVisible waits until the element sel selects is shown.
func (b *Tab) WaitVisible(sel chromedp.Search) {
	b.t.Helper()
	b.Do(chromedp.WaitVisible(sel))
}

// Text is the text of the visible element sel selects, once it is shown.
func (b *Tab) Text(sel chromedp.Search) string {
	b.t.Helper()
	s, err := chromedp.Run(b.Ctx, chromedp.Text(sel, chromedp.NodeVisible))
	if err != nil {
		b.t.Fatal(err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// Eval evaluates expr in the page (awaiting it when it is a promise) and
// returns its value.
func Eval[T any](b *Tab, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// Screenshot saves a screenshot of the whole page as the artifact name.
func (b *Tab) Screenshot(name string) {
	b.t.Helper()
	shot, err := chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatal(err)
	}
	if len(shot) < 1000 {
		b.t.Fatalf("screenshot of %d bytes", len(shot))
	}
	SaveArtifact(b.t, name, shot)
}
