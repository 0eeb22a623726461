package profile

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"strings"
	"unicode/utf8"
)

// fileType is what the portal knows of an evidence type: the file name
// endings that belong to it (the first is the one downloads get) and how its
// content starts.
type fileType struct {
	exts []string
	// fits reports whether head, the first bytes of a file, is of the type;
	// whole is true when head is the entire file.
	fits func(head []byte, whole bool) bool
}

// fileTypes are the evidence types the portal can check. EVIDENCE_TYPES may
// allow any of them, and only them.
var fileTypes = map[string]fileType{
	"application/pdf": {[]string{".pdf"}, startsWith("%PDF-")},
	"image/png":       {[]string{".png"}, startsWith("\x89PNG\r\n\x1a\n")},
	"image/jpeg":      {[]string{".jpg", ".jpeg"}, startsWith("\xff\xd8\xff")},
	// DOCX and XLSX are ZIP archives (Office Open XML); a ZIP starts with a
	// local file header.
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": {[]string{".docx"}, startsWith("PK\x03\x04")},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       {[]string{".xlsx"}, startsWith("PK\x03\x04")},
	"text/plain": {[]string{".txt"}, utf8Text},
}

// SniffBytes is how much of an uploaded file completion reads to check its
// content: a ranged GET of the object's first bytes.
const SniffBytes = 8 << 10

func startsWith(sig string) func([]byte, bool) bool {
	return func(head []byte, _ bool) bool { return bytes.HasPrefix(head, []byte(sig)) }
}

// utf8Text accepts valid UTF-8 without NUL bytes. When head is only the start
// of the file, a character cut by the end of the range is not held against it.
func utf8Text(head []byte, whole bool) bool {
	if !whole {
		for i := len(head) - 1; i >= 0 && i >= len(head)-utf8.UTFMax; i-- {
			if utf8.RuneStart(head[i]) {
				if !utf8.FullRune(head[i:]) {
					head = head[:i]
				}
				break
			}
		}
	}
	return bytes.IndexByte(head, 0) < 0 && utf8.Valid(head)
}

// CheckEvidenceTypes returns an error naming every type in types the portal
// cannot check (no known file endings or signature), for the configuration.
func CheckEvidenceTypes(types []string) error {
	var unknown []string
	for _, t := range types {
		if _, ok := fileTypes[t]; !ok {
			unknown = append(unknown, t)
		}
	}
	if len(unknown) > 0 {
		known := make([]string, 0, len(fileTypes))
		for t := range fileTypes {
			known = append(known, t)
		}
		slices.Sort(known)
		return fmt.Errorf("%s cannot be checked; evidence types are some of %s", strings.Join(unknown, ", "), strings.Join(known, ", "))
	}
	return nil
}

// NameFits reports whether the file name ends in an extension of the
// content type (case does not matter): "Scan.JPEG" fits image/jpeg,
// "x.hta" fits nothing.
func NameFits(name, contentType string) bool {
	ft, ok := fileTypes[contentType]
	return ok && slices.Contains(ft.exts, strings.ToLower(path.Ext(name)))
}

// extensions lists the endings of a content type for messages: ".jpg or .jpeg".
func extensions(contentType string) string {
	return strings.Join(fileTypes[contentType].exts, " or ")
}

// ContentFits reports whether head, the first bytes of an uploaded file
// (all of it when whole), carries the signature of the content type: %PDF-,
// the PNG or JPEG magic, a ZIP header for DOCX and XLSX, UTF-8 without NULs
// for text. An unknown type fits nothing.
func ContentFits(contentType string, head []byte, whole bool) bool {
	ft, ok := fileTypes[contentType]
	return ok && ft.fits(head, whole)
}

// DownloadName is the name a file is saved under: its own name when that
// ends in an extension of its type, else the name with the type's extension
// added (files stored before names were checked), so the saved file opens as
// what it was checked to be.
func DownloadName(name, contentType string) string {
	if NameFits(name, contentType) {
		return name
	}
	ft, ok := fileTypes[contentType]
	if !ok {
		return name
	}
	return name + ft.exts[0]
}
