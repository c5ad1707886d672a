@testable import AutoconfigService
import ClientExport
import Foundation
import FuzzSupport
import HTTPTypes
import Hummingbird
import MailFormats
import MailSettings

/// Three pieces, cut at NUL bytes, as `mailconf serve` receives them: a request target
/// (path and query), a Host header, and a POST body for Outlook's Autodiscover. The body
/// goes through `AutodiscoverRequest`, its address through serve's address check; the
/// target and Host through the checks every route makes. An address that passes is
/// answered, and the answer must be well-formed XML that names that address: whatever
/// a stranger sends must not change the answer's structure.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    var input = FuzzInput(data, size)
    let target = headerSafe(input.piece(), allowSpace: false)
    let host = headerSafe(input.piece(), allowSpace: true)
    let body = input.rest()

    let head = HTTPRequest(method: .get, scheme: "https", authority: host, path: "/" + target)
    let request = Request(head: head, body: RequestBody(buffer: ByteBuffer()))
    if let (address, domain) = try? RequestChecks.addressAndDomain(request) {
        require(!domain.isEmpty && domain == domain.lowercased(), "domain '\(domain)'")
        if let address { answer(address) }
    }
    // The JSON route's query and the path routes' last segment.
    if let raw = request.uri.queryParameters["Email"], let address = try? RequestChecks.address(raw, parameter: "Email") {
        answer(address)
    }
    _ = try? RequestChecks.domain(String(request.uri.path.split(separator: "/").last ?? ""), what: "the path")

    if let parsed = try? AutodiscoverRequest(body: body),
       let address = try? RequestChecks.address(parsed.emailAddress[...], parameter: "EMailAddress") {
        answer(address)
    }
    return 0
}

/// What an HTTP/1.1 parser lets through into a request target (visible ASCII) or a
/// header value (visible ASCII, space, tab, obs-text).
func headerSafe(_ bytes: [UInt8], allowSpace: Bool) -> String {
    String(decoding: bytes.filter { (0x21...0x7E).contains($0) || (allowSpace && ($0 == 0x20 || $0 == 0x09 || $0 >= 0x80)) },
           as: UTF8.self)
}

/// A provider whose usernames are the address, so that the address reaches the answer.
let provider: Provider = {
    let xml = """
    <clientConfig version="1.1"><emailProvider id="fuzz.test"><domain>fuzz.test</domain>
    <incomingServer type="imap"><hostname>imap.fuzz.test</hostname><port>993</port><socketType>SSL</socketType>
    <authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></incomingServer>
    <outgoingServer type="smtp"><hostname>smtp.fuzz.test</hostname><port>465</port><socketType>SSL</socketType>
    <authentication>password-cleartext</authentication><username>%EMAILLOCALPART%</username></outgoingServer>
    </emailProvider></clientConfig>
    """
    return try! ClientConfig.read(Array(xml.utf8), source: "fuzz", fallbackID: "fuzz").provider
}()

func answer(_ address: EmailAddress) {
    guard let xml = try? ServedAnswers.autodiscover(provider, address: address) else { return }
    guard let root = try? SafeXMLParser.parse(Array(xml.utf8), source: "answer") else {
        fail("the Autodiscover answer for \(address) is not well-formed XML")
    }
    func texts(_ e: XElement) -> [String] { [e.text.trimmingCharacters(in: .whitespacesAndNewlines)] + e.elements.flatMap(texts) }
    require(texts(root).contains(address.description), "the answer does not name \(address)")
}

@_cdecl("fuzz_autodiscover_main")
public func entry(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { data, size in fuzz(data, size) }
}
