/// One thing checked about a sending domain (SPF, DKIM, the MX, …): the runner asks each
/// rule in turn for its findings, all at once, and lists them in the rules' order.
protocol DeliverabilityRule: Sendable {
    /// What the rule checks (`spf`, `dkim`, `mta-sts`, …); one rule to an id, since the
    /// context keeps each rule's findings by it.
    var id: String { get }
    /// The findings, in the order the report lists them; the DNS is asked through
    /// `context.dns`, so a name another rule asks too is asked once.
    func check(_ context: DeliverabilityContext) async -> [Check]
}
