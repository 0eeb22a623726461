package reminder_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/store"
)

// BenchmarkReminderRun100k loads 100 000 accounts into DynamoDB Local, 1 %
// of them due on the dates the run's thresholds name, runs the job once and
// reports the items it read per account due and the run's time.
//
//	go test ./shared/reminder -run '^$' -bench Reminder -benchtime 1x
func BenchmarkReminderRun100k(b *testing.B) {
	const total, dueShare = 100_000, 100 // one in a hundred is due
	cfg := testenv.Config(b)
	cfg.Reminder.SendRate = 1000
	d := testenv.DepsWith(b, cfg)
	d.Reminder.Sleep = func(time.Duration) {}
	day := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	thresholds := d.Reminder.Config.Thresholds

	start := time.Now()
	load(b, d.Store, total, func(i int) account.Account {
		due := day.AddDate(0, 0, 400+i%300) // far from every threshold date
		var contacts []string
		if i%dueShare == 0 {
			due = day.AddDate(0, 0, -thresholds[(i/dueShare)%len(thresholds)])
			contacts = []string{fmt.Sprintf("ao-%d@bench.test", i)}
		}
		id := fmt.Sprintf("bench-%06d", i)
		return account.Account{Key: store.Key{PK: "ACCOUNT#" + id, SK: "ACCOUNT"}, ID: id, Name: "Account " + id,
			EntityType: "importer", ReviewDueDate: due.Format("2006-01-02"), GSI3PK: "DUE#" + due.Format("2006-01-02"), GSI3SK: id,
			Contacts: contacts}
	})
	b.Logf("loaded %d accounts in %v", total, time.Since(start).Round(time.Second))

	calls := testenv.CountCalls(d)
	var res struct {
		sent int
		dur  time.Duration
	}
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		r, err := d.Reminder.Run(context.Background(), day)
		if err != nil {
			b.Fatal(err)
		}
		res.sent, res.dur = r.Sent, time.Since(t0)
	}
	b.StopTimer()
	due := total / dueShare
	if res.sent != due {
		b.Fatalf("sent %d reminders; want %d", res.sent, due)
	}
	b.ReportMetric(float64(calls.ItemsRead())/float64(due)/float64(b.N), "items-read/due")
	b.ReportMetric(res.dur.Seconds(), "s/run")
}

// load writes n accounts with BatchWriteItem, a few batches at a time.
func load(b *testing.B, s *store.Store, n int, account func(int) account.Account) {
	b.Helper()
	work := make(chan []types.WriteRequest)
	var wg sync.WaitGroup
	var once sync.Once
	var failed error
	for range 6 {
		wg.Go(func() {
			for batch := range work {
				req := map[string][]types.WriteRequest{s.Table: batch}
				for len(req) > 0 {
					out, err := s.DB.BatchWriteItem(context.Background(), &dynamodb.BatchWriteItemInput{RequestItems: req})
					if err != nil {
						once.Do(func() { failed = err })
						break
					}
					req = out.UnprocessedItems
				}
			}
		})
	}
	batch := make([]types.WriteRequest, 0, 25)
	for i := range n {
		av, err := attributevalue.MarshalMap(account(i))
		if err != nil {
			b.Fatal(err)
		}
		batch = append(batch, types.WriteRequest{PutRequest: &types.PutRequest{Item: av}})
		if len(batch) == 25 {
			work <- batch
			batch = make([]types.WriteRequest, 0, 25)
		}
	}
	if len(batch) > 0 {
		work <- batch
	}
	close(work)
	wg.Wait()
	if failed != nil {
		b.Fatal(failed)
	}
}
