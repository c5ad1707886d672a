import Failures
extension LiveCheck {
    /// Sends the test message, retrying a temporary (4xx) refusal a bounded number of
    /// times with a growing pause; a 5xx is a bounce and is not retried.
    public static func verifySending(_ request: VerifyRequest, attempts: Int = 3, firstPause: Double = 1) async -> VerifyResult {
        var pause = firstPause
        var result = await verify(request)
        var retries = 0
        while result.kind == .deferred && retries < attempts - 1 {
            try? await Task.sleep(for: .milliseconds(Int(pause * 1000)))
            pause *= 2
            retries += 1
            result = await verify(request)
        }
        result.retries = retries
        return result
    }
}
