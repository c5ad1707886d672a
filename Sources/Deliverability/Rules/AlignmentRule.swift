import MailSettings

/// DMARC alignment (RFC 7489 section 3.1), explained for the relay: SPF aligns only
/// through a return-path subdomain, DKIM through keys on this domain.
struct AlignmentRule: DeliverabilityRule {
    let id = "dmarc-alignment"

    func check(_ context: DeliverabilityContext) async -> [Check] {
        let dkimOK = await DKIMRule.keysInPlace(context) == true
        let requirements = context.requirements
        guard let provider = context.provider else {
            return [Check("dmarc-alignment", dkimOK ? .pass : .warn,
                          dkimOK ? "DKIM keys are on this domain, so DKIM aligns with the From domain"
                                 : "without a relay given, alignment cannot be told; DKIM signing with d= this domain aligns",
                          reference: "RFC 7489 section 3.1")]
        }
        let customReturnPath = requirements.contains { $0.purpose == .returnPath }
        let spfNote = customReturnPath
            ? "SPF aligns when the return-path subdomain (\(requirements.first { $0.purpose == .returnPath }!.name)) points to \(provider.displayName)"
            : "SPF passes for \(provider.displayName)'s own bounce domain, which does not align with yours"
        return [Check("dmarc-alignment", dkimOK ? .pass : .warn,
                      "\(spfNote); DKIM \(dkimOK ? "signs with your domain through the records above, so DMARC passes on DKIM" : "is not set up, so DMARC can pass only on SPF alignment")",
                      reference: "RFC 7489 section 3.1")]
    }
}
