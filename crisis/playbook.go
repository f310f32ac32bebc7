package crisis

// Severity is how serious an incident is.
type Severity string

// The severities, from the least serious.
const (
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Valid reports whether s is one of the severities.
func (s Severity) Valid() bool {
	switch s {
	case SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical:
		return true
	}
	return false
}

// MessageKey and MessageArgs name the severity in the locale package.
func (s Severity) MessageKey() string { return "crisis.severity." + string(s) }

// MessageArgs returns no arguments.
func (s Severity) MessageArgs() []any { return nil }

// Playbook is a template of an incident's checklist.
type Playbook struct {
	Key     string   // stable identifier, e.g. "outage"
	NameKey string   // message key of its name
	Steps   []string // message keys of the checklist items, in order
}

// The steps shared by every playbook.
const (
	stepAcknowledge   = "crisis.step.acknowledge"
	stepOwner         = "crisis.step.name_owner"
	stepPause         = "crisis.step.pause_scheduled"
	stepDraft         = "crisis.step.draft_holding"
	stepApproval      = "crisis.step.get_approval"
	stepPublish       = "crisis.step.publish_holding"
	stepAnswer        = "crisis.step.answer_top"
	stepStakeholders  = "crisis.step.update_stakeholders"
	stepResolution    = "crisis.step.publish_resolution"
	stepPostMortem    = "crisis.step.write_postmortem"
	stepConfirm       = "crisis.step.confirm_outage"
	stepStatusPage    = "crisis.step.link_status_page"
	stepCadence       = "crisis.step.update_cadence"
	stepRecovery      = "crisis.step.confirm_recovery"
	stepOrigin        = "crisis.step.find_origin"
	stepFacts         = "crisis.step.check_facts"
	stepReplyOrigin   = "crisis.step.reply_origin"
	stepSecure        = "crisis.step.secure_accounts"
	stepLegal         = "crisis.step.involve_legal"
	stepDeadlines     = "crisis.step.check_deadlines"
	stepConfirmedOnly = "crisis.step.confirmed_facts_only"
)

// Playbooks returns the built-in playbooks, "general" first. The slices are
// fresh on every call; changing them changes nothing else.
func Playbooks() []Playbook {
	return []Playbook{
		{Key: "general", NameKey: "crisis.playbook.general", Steps: []string{
			stepAcknowledge, stepOwner, stepPause, stepDraft, stepApproval,
			stepPublish, stepAnswer, stepStakeholders, stepResolution, stepPostMortem,
		}},
		{Key: "outage", NameKey: "crisis.playbook.outage", Steps: []string{
			stepAcknowledge, stepOwner, stepPause, stepConfirm, stepStatusPage, stepDraft,
			stepApproval, stepPublish, stepCadence, stepAnswer, stepStakeholders,
			stepRecovery, stepResolution, stepPostMortem,
		}},
		{Key: "complaint", NameKey: "crisis.playbook.complaint", Steps: []string{
			stepAcknowledge, stepOwner, stepPause, stepOrigin, stepFacts, stepDraft,
			stepApproval, stepReplyOrigin, stepPublish, stepAnswer, stepStakeholders,
			stepResolution, stepPostMortem,
		}},
		{Key: "security", NameKey: "crisis.playbook.security", Steps: []string{
			stepAcknowledge, stepOwner, stepPause, stepSecure, stepLegal, stepDeadlines,
			stepDraft, stepApproval, stepPublish, stepConfirmedOnly, stepAnswer,
			stepStakeholders, stepResolution, stepPostMortem,
		}},
	}
}

// PlaybookByKey returns the built-in playbook of that key.
func PlaybookByKey(key string) (Playbook, bool) {
	for _, p := range Playbooks() {
		if p.Key == key {
			return p, true
		}
	}
	return Playbook{}, false
}
