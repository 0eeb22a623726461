package identity

// Question is one security question of the catalogue.
type Question struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// Questions is the catalogue users choose their three security questions
// from. Ids are stable: stored answers refer to them.
var Questions = []Question{
	{"q01", "What was the name of your first school?"},
	{"q02", "In what city did your parents meet?"},
	{"q03", "What was the make and model of your first car?"},
	{"q04", "What is the name of the street you grew up on?"},
	{"q05", "What was the name of your first employer?"},
	{"q06", "What was your childhood nickname?"},
	{"q07", "What is the middle name of your oldest sibling?"},
	{"q08", "In what town was your first job?"},
	{"q09", "What was the name of your first pet?"},
	{"q10", "What is the title of the first book you remember reading?"},
	{"q11", "What was the destination of your first flight?"},
	{"q12", "What was the surname of your favourite teacher?"},
	{"q13", "What was the first concert you attended?"},
	{"q14", "What is the name of the hospital where you were born?"},
}

// QuestionText returns the text of a question id, and whether it exists.
func QuestionText(id string) (string, bool) {
	for _, q := range Questions {
		if q.ID == id {
			return q.Text, true
		}
	}
	return "", false
}
