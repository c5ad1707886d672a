/// Gmail's and Yahoo's rules for bulk senders: SPF, DKIM and a DMARC record, all in place.
struct BulkSenderRule: DeliverabilityRule {
    let id = "bulk-senders"

    static let reference = "Gmail and Yahoo bulk-sender rules (in force since February 2024): https://support.google.com/a/answer/81126, https://senders.yahooinc.com/best-practices/"

    func check(_ context: DeliverabilityContext) async -> [Check] {
        let spf = await context.spf
        let spfOK = spf.record != nil && spf.errors.isEmpty
        let dkim = await DKIMRule.keysInPlace(context)
        let dmarcOK = await context.dmarc.map { $0.errors.isEmpty } ?? false
        let missing = [spfOK ? nil : "SPF", dkim == false ? "DKIM" : nil, dmarcOK ? nil : "DMARC"].compactMap { $0 }
        if !missing.isEmpty {
            return [Check("bulk-senders", .fail,
                          "Gmail and Yahoo require SPF, DKIM and a DMARC record of senders of 5,000+ messages a day; missing here: "
                              + missing.joined(separator: ", "), reference: Self.reference)]
        } else if dkim == nil {
            return [Check("bulk-senders", .warn,
                          "SPF and DMARC are in place; DKIM could not be checked without --dkim-selector, and Gmail and Yahoo require it of bulk senders",
                          reference: Self.reference)]
        } else {
            return [Check("bulk-senders", .pass, "SPF, DKIM and DMARC are all in place, as Gmail and Yahoo require of bulk senders",
                          reference: Self.reference)]
        }
    }
}
