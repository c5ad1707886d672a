/// One thing checked about a sending domain (SPF, DKIM, the MX, …). DeliverabilityCheck
/// asks every rule at once and lists their findings in the order of its list of rules.
protocol DeliverabilityRule: Sendable {
    /// What the rule checks (`spf`, `dkim`, `mta-sts`, …); one rule to an id, since the
    /// context keeps each rule's findings by it.
    var id: String { get }
    /// The findings, in the order the report lists them; the DNS is asked through
    /// `context.dns`, so a name another rule asks too is asked once.
    func check(_ context: DeliverabilityContext) async -> [Check]
}
