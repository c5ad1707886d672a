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
        #expect(named == AutodiscoverRequest(emailAddress: "bob@example.org"))
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
        ("<Autodiscover/>", "expected <Autodiscover><Request><EMailAddress> in the Outlook request schema"),
        ("<Autodiscover xmlns=\"urn:other\"><Request><EMailAddress>a@b.org</EMailAddress></Request></Autodiscover>",
         "expected <Autodiscover><Request><EMailAddress> in the Outlook request schema"),
    ])
    func notTheRequestSchema(_ text: String, _ message: String) throws {
        let refusal = try #require(throws: AutodiscoverRequest.Refusal.self) { try AutodiscoverRequest(body: Array(text.utf8)) }
        #expect(refusal.kind == .requestUnreadable)
        #expect(refusal.message == message)
    }

    @Test func onlyTheOutlookResponseSchemaIsServed() throws {
        let mobile = "<EMailAddress>a@b.org</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006</AcceptableResponseSchema>"
        let refusal = try #require(throws: AutodiscoverRequest.Refusal.self) { try AutodiscoverRequest(body: body(mobile)) }
        #expect(refusal == AutodiscoverRequest.Refusal(kind: .requestUnreadable, message: "only the Outlook response schema (2006a) is served"))
    }
}
