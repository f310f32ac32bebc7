package crisis_test

import (
	"fmt"
	"slices"
	"testing"

	"gears/crisis"
)

func TestSeverityValid(t *testing.T) {
	t.Parallel()
	for s, want := range map[crisis.Severity]bool{
		crisis.SeverityLow: true, crisis.SeverityMedium: true, crisis.SeverityHigh: true, crisis.SeverityCritical: true,
		"": false, "urgent": false, "High": false,
	} {
		if got := s.Valid(); got != want {
			t.Errorf("%q.Valid() = %v, want %v", s, got, want)
		}
	}
}

func TestPlaybooks(t *testing.T) {
	t.Parallel()
	books := crisis.Playbooks()
	var keys []string
	for _, p := range books {
		keys = append(keys, p.Key)
		if len(p.Steps) < 5 {
			t.Errorf("%s: only %d steps", p.Key, len(p.Steps))
		}
		seen := map[string]bool{}
		for _, s := range p.Steps {
			if seen[s] {
				t.Errorf("%s: step %s twice", p.Key, s)
			}
			seen[s] = true
		}
		// Every playbook starts by taking charge and ends by learning.
		if p.Steps[0] != "crisis.step.acknowledge" || p.Steps[len(p.Steps)-1] != "crisis.step.write_postmortem" {
			t.Errorf("%s: steps run from %s to %s", p.Key, p.Steps[0], p.Steps[len(p.Steps)-1])
		}
	}
	if want := []string{"general", "outage", "complaint", "security"}; !slices.Equal(keys, want) {
		t.Errorf("keys = %v, want %v", keys, want)
	}

	general, _ := crisis.PlaybookByKey("general")
	if want := []string{
		"crisis.step.acknowledge", "crisis.step.name_owner", "crisis.step.pause_scheduled",
		"crisis.step.draft_holding", "crisis.step.get_approval", "crisis.step.publish_holding",
		"crisis.step.answer_top", "crisis.step.update_stakeholders", "crisis.step.publish_resolution",
		"crisis.step.write_postmortem",
	}; !slices.Equal(general.Steps, want) {
		t.Errorf("general steps = %v", general.Steps)
	}
}

func TestPlaybookByKey(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		key  string
		ok   bool
		name string
	}{
		{"general", true, "crisis.playbook.general"},
		{"outage", true, "crisis.playbook.outage"},
		{"complaint", true, "crisis.playbook.complaint"},
		{"security", true, "crisis.playbook.security"},
		{"", false, ""},
		{"Outage", false, ""},
	} {
		p, ok := crisis.PlaybookByKey(tt.key)
		if ok != tt.ok || p.NameKey != tt.name {
			t.Errorf("PlaybookByKey(%q) = %+v, %v", tt.key, p, ok)
		}
	}

	// The slices handed out are the caller's own.
	p, _ := crisis.PlaybookByKey("outage")
	p.Steps[0] = "changed"
	if again, _ := crisis.PlaybookByKey("outage"); again.Steps[0] == "changed" {
		t.Error("changing a returned playbook changed the built-in one")
	}
}

func ExamplePlaybookByKey() {
	p, ok := crisis.PlaybookByKey("security")
	fmt.Println(ok, p.NameKey, len(p.Steps), p.Steps[3])
	// Output: true crisis.playbook.security 14 crisis.step.secure_accounts
}
