import FuzzSupport
import SMTPClient

/// Bytes as a server sends them, after a first byte that chooses how the network splits
/// them. The decoder must give the same replies and the same error for every split, keep
/// its limits, and every reply must read as EHLO capabilities.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    var input = FuzzInput(data, size)
    let split = input.byte()
    let bytes = input.rest()
    let limits = SMTPLimits(maxLineLength: 1024, maxReplyLines: 32, maxReplyBytes: 8 * 1024)
    let whole = decode([bytes[...]], limits)
    let pieces = decode(chunks(bytes, size: split), limits)
    // The same error, and the same replies before it. One exception, by design: a feed
    // that ends in an error hands back none of its replies (the session ends on the error,
    // which names the bad line), so the bytes fed whole may show fewer replies before it.
    require(whole.error == pieces.error, "the error depends on how the bytes were split: \(whole) vs \(pieces)")
    require(whole.error == nil ? whole.replies == pieces.replies : pieces.replies.starts(with: whole.replies),
            "the replies depend on how the bytes were split: \(whole) vs \(pieces)")
    for reply in whole.replies {
        require((200...599).contains(reply.code), "reply code \(reply.code)")
        require(reply.lines.count <= limits.maxReplyLines, "\(reply.lines.count) lines")
        let capabilities = Capabilities(ehlo: reply)
        require(capabilities.size.map { $0 >= 0 } ?? true, "negative SIZE from \(reply.lines)")
        _ = capabilities.offers("PLAIN")
        _ = reply.description
    }
    return 0
}

func decode(_ chunks: [ArraySlice<UInt8>], _ limits: SMTPLimits) -> (replies: [SMTPReply], error: ReplyError?) {
    var decoder = ReplyDecoder(limits: limits)
    var replies: [SMTPReply] = []
    for chunk in chunks {
        do { replies += try decoder.feed(chunk) } catch { return (replies, error) }
    }
    return (replies, nil)
}

@_cdecl("fuzz_smtp_reply_main")
public func entry(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { data, size in fuzz(data, size) }
}
