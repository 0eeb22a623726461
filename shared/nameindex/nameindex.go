// Package nameindex is the staff's directory index of organisations and
// trade accounts by name: a global secondary index (NameIndex, keys namePK
// and nameSK) on a normalised name — lower-case, accents and compatibility
// forms folded, spaces collapsed — so that "Société  Générale" is found by
// "societe g". A name prefix is one Query of one index partition, paged;
// nothing is scanned.
//
// The items stay with their owners: shared/account files accounts and
// shared/accounts files organisations, each under its own partition value,
// through Entry; this package spells the index and its attributes.
package nameindex

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"golang.org/x/text/unicode/norm"

	"github.com/partner-portal/portal/shared/store"
)

// Index is the index's name in template.yaml.
const Index = "NameIndex"

// The index's key attributes.
const (
	attrPK = "namePK"
	attrSK = "nameSK"
)

// MaxPrefix bounds a name prefix, in bytes once folded.
const MaxPrefix = 200

// Entry is an item's place in the index: embedded in the item, so that the
// item's own put files it.
type Entry struct {
	NamePK string `dynamodbav:"namePK,omitempty" json:"-"`
	NameSK string `dynamodbav:"nameSK,omitempty" json:"-"`
}

// maxKey bounds the folded name in a sort key, in bytes: a compatibility
// decomposition can make a short name long, and a key holds 1 KiB.
const maxKey = 400

// For is the entry of the item id named name, in the owner's partition.
func For(partition, name, id string) Entry {
	folded := Fold(name)
	for len(folded) > maxKey {
		_, size := utf8.DecodeLastRuneInString(folded)
		folded = folded[:len(folded)-size]
	}
	return Entry{NamePK: partition, NameSK: folded + "#" + id}
}

// Move sets e as the item's entry in upd: a renamed item moves in the index
// in the same write that renames it.
func Move(upd expression.UpdateBuilder, e Entry) expression.UpdateBuilder {
	return upd.Set(expression.Name(attrPK), expression.Value(e.NamePK)).Set(expression.Name(attrSK), expression.Value(e.NameSK))
}

// folds are letters that no canonical decomposition takes apart.
var folds = strings.NewReplacer("ß", "ss", "æ", "ae", "œ", "oe", "ø", "o", "ł", "l", "đ", "d", "ð", "d", "þ", "th", "ı", "i")

// Fold is the form names are indexed and looked up in: lower case,
// compatibility decomposition (NFKD) without the combining marks, lower
// case again (a decomposition may yield a capital), a few letters spelled
// out, and runs of white space made one space. Folding a folded name
// changes nothing.
func Fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(strings.ToLower(s)) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return strings.Join(strings.Fields(folds.Replace(b.String())), " ")
}

// Query is one page of the items of partition whose folded name starts
// with the folded prefix (every item when it is empty), in name order.
func Query(ctx context.Context, st *store.Store, partition, prefix string, limit int, cursor string) ([]map[string]types.AttributeValue, string, error) {
	key := store.KeyOnly(attrPK, partition)
	if p := Fold(prefix); p != "" {
		key = store.KeyPrefix(attrPK, partition, attrSK, p)
	}
	return st.QueryPage(ctx, store.PageQuery{Index: Index, PKName: attrPK, SKName: attrSK, PK: partition,
		Key: key, Forward: true, Limit: limit, Cursor: cursor})
}
