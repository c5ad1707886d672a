import ClientExport
import Testing

/// Outlook's POX request, read as the service reads a body from anyone.
@Suite struct AutodiscoverRequestReading {
    func body(_ inside: String) -> [UInt8] {
        Array("""
            <?xml version="1.0" encoding="utf-8"?>
            <Autodiscover xmlns="\(AutodiscoverRequest.requestNamespace)"><Request>\(inside)</Request></Autodiscover>
            """.utf8)
    }

    @Test func theAddressTrimmedWithOrWithoutTheResponseSchema() throws {
        let schema = "<AcceptableResponseSchema> \(AutodiscoverExport.outlookNamespace)\n</AcceptableResponseSchema>"
        let named = try AutodiscoverRequest(body: body("<EMailAddress>\n  bob@example.org </EMailAddress>" + schema))
        #expect(named == AutodiscoverRequest(emailAddress: "bob@example.org", acceptableResponseSchema: AutodiscoverExport.outlookNamespace))
        let unnamed = try AutodiscoverRequest(body: body("<EMailAddress>bob@example.org</EMailAddress>"))
        #expect(unnamed.emailAddress == "bob@example.org")
    }

    @Test func aBodyOverTheLimitIsTooLarge() {
        let big = Array(repeating: UInt8(ascii: "x"), count: AutodiscoverRequest.largestBody + 1)
        #expect(throws: AutodiscoverRequest.Refusal.tooLarge(limit: 64 * 1024)) { try AutodiscoverRequest(body: big) }
        #expect(AutodiscoverRequest.Refusal.tooLarge(limit: 64 * 1024).message == "the request body is over 64 KiB")
        let small = body("<EMailAddress>bob@example.org</EMailAddress>")
        #expect(throws: AutodiscoverRequest.Refusal.tooLarge(limit: 10)) { try AutodiscoverRequest(body: small, limit: 10) }
    }

    @Test func entitiesAndDTDsAreRefusedUnread() throws {
        let xxe = Array("""
            <?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <Autodiscover xmlns="\(AutodiscoverRequest.requestNamespace)"><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>
            """.utf8)
        let refusal = try #require(throws: AutodiscoverRequest.Refusal.self) { try AutodiscoverRequest(body: xxe) }
        #expect(refusal.kind == .requestUnreadable)
        #expect(refusal.message == "the request is not a readable Autodiscover XML body (dtd-forbidden)")
    }

    @Test(arguments: [
        ("not xml", "the request is not a readable Autodiscover XML body (malformed-xml)"),
        ("<Autodiscover/>", "expected <Autodiscover><Request><EMailAddress> in the Outlook or the mobile-sync request schema"),
        ("<Autodiscover xmlns=\"urn:other\"><Request><EMailAddress>a@b.org</EMailAddress></Request></Autodiscover>",
         "expected <Autodiscover><Request><EMailAddress> in the Outlook or the mobile-sync request schema"),
    ])
    func notTheRequestSchema(_ text: String, _ message: String) throws {
        let refusal = try #require(throws: AutodiscoverRequest.Refusal.self) { try AutodiscoverRequest(body: Array(text.utf8)) }
        #expect(refusal.kind == .requestUnreadable)
        #expect(refusal.message == message)
    }

    /// The response schema is read, in any letter case; only Outlook's (or none named)
    /// gets the settings. The mobile-sync request schema is read as well.
    @Test func theResponseSchemaAskedForIsRead() throws {
        let mobile = "<EMailAddress>a@b.org</EMailAddress><AcceptableResponseSchema>\(AutodiscoverRequest.mobileSyncResponseNamespace)</AcceptableResponseSchema>"
        let asked = try AutodiscoverRequest(body: body(mobile))
        #expect(asked.acceptableResponseSchema == AutodiscoverRequest.mobileSyncResponseNamespace)
        #expect(!asked.wantsOutlookSettings)
        let shouted = "<EMailAddress>a@b.org</EMailAddress><AcceptableResponseSchema>\(AutodiscoverExport.outlookNamespace.uppercased())</AcceptableResponseSchema>"
        #expect(try AutodiscoverRequest(body: body(shouted)).wantsOutlookSettings)
        let sync = "<Autodiscover xmlns=\"\(AutodiscoverRequest.mobileSyncRequestNamespace)\"><Request><EMailAddress>a@b.org</EMailAddress>"
            + "<AcceptableResponseSchema>\(AutodiscoverRequest.mobileSyncResponseNamespace)</AcceptableResponseSchema></Request></Autodiscover>"
        let fromNewOutlook = try AutodiscoverRequest(body: Array(sync.utf8))
        #expect(fromNewOutlook.emailAddress == "a@b.org" && !fromNewOutlook.wantsOutlookSettings)
        // The error answer is in the generic response schema, and names nobody.
        let answer = AutodiscoverExport.schemaNotServed()
        #expect(answer.contains("<ErrorCode>601</ErrorCode>"))
        #expect(answer.contains("xmlns=\"\(AutodiscoverExport.responseNamespace)\""))
    }
}
