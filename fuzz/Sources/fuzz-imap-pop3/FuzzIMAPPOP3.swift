import FuzzSupport
import IMAPClient
import POP3Client

/// A first byte picks the protocol and how the network splits the rest. IMAP: responses
/// with literals. POP3: the next byte says which forms the responses take (one line, a
/// multi-line body, a SASL step) for up to eight responses, as the commands asked for
/// would. Either decoder must answer the same for every split, keep its bounds, and
/// capabilities must read.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    var input = FuzzInput(data, size)
    let choice = input.byte()
    if choice & 0x80 == 0 {
        imap(input.rest(), split: choice)
    } else {
        let forms = UInt16(input.byte()) | UInt16(input.byte()) << 8
        pop3(input.rest(), split: choice, forms: forms)
    }
    return 0
}

let imapLimits = IMAPLimits(maxLineLength: 1024, maxLiteralSize: 4096, maxResponseBytes: 16 * 1024, maxUntaggedResponses: 64)

func imap(_ bytes: [UInt8], split: UInt8) {
    func decode(_ chunks: [ArraySlice<UInt8>]) -> (responses: [IMAPResponse], error: IMAPResponseError?) {
        var decoder = ResponseDecoder(limits: imapLimits)
        var responses: [IMAPResponse] = []
        for chunk in chunks {
            do { responses += try decoder.feed(chunk) } catch { return (responses, error) }
        }
        return (responses, nil)
    }
    let whole = decode([bytes[...]])
    let pieces = decode(chunks(bytes, size: split))
    require(whole.error == pieces.error, "IMAP: the error depends on the split: \(String(describing: whole.error)) vs \(String(describing: pieces.error))")
    if whole.error == nil { require(whole.responses == pieces.responses, "IMAP: the responses depend on the split") }
    for response in pieces.responses {
        require(response.literals.allSatisfy { $0.count <= imapLimits.maxLiteralSize })
        if case .data("CAPABILITY", let text) = response.kind { _ = IMAPCapabilities(text).has("IMAP4rev1") }
        if let code = response.code, code.name == "CAPABILITY" { _ = IMAPCapabilities(code.arguments).has("STARTTLS") }
        _ = response.description
    }
}

let pop3Limits = POP3Limits(maxLineLength: 1024, maxResponseLines: 64, maxResponseBytes: 16 * 1024)

func pop3(_ bytes: [UInt8], split: UInt8, forms: UInt16) {
    // Eight responses owed, two bits each from the low end: one line, multi-line, SASL.
    let owed: [POP3ResponseForm] = (0..<8).map { i in
        switch (forms >> (2 * i)) & 3 {
        case 0: .singleLine
        case 1: .multiLine
        default: .sasl
        }
    }
    func decode(_ chunks: [ArraySlice<UInt8>]) -> (responses: [POP3Response], error: POP3ResponseError?, left: Int) {
        var decoder = POP3ResponseDecoder(limits: pop3Limits)
        for form in owed { decoder.expect(form) }
        var responses: [POP3Response] = []
        for chunk in chunks {
            do { responses += try decoder.feed(chunk) } catch { return (responses, error, decoder.bufferedByteCount) }
        }
        return (responses, nil, decoder.bufferedByteCount)
    }
    let whole = decode([bytes[...]])
    let pieces = decode(chunks(bytes, size: split))
    require(whole.error == pieces.error, "POP3: the error depends on the split: \(String(describing: whole.error)) vs \(String(describing: pieces.error))")
    if whole.error == nil {
        require(whole.responses == pieces.responses && whole.left == pieces.left, "POP3: the responses depend on the split")
    }
    require(pieces.responses.count <= owed.count, "POP3: more responses than were owed")
    for response in pieces.responses {
        require(response.lines.count <= pop3Limits.maxResponseLines)
        _ = POP3Capabilities(capa: response.lines).offers("PLAIN")
        _ = response.description
    }
}

@_cdecl("fuzz_imap_pop3_main")
public func entry(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { data, size in fuzz(data, size) }
}
