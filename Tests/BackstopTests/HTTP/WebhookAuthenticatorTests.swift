import BackstopInput
import Testing

@testable import Backstop

/// The webhook's credentials check, header by header: the scheme in any ASCII case (RFC 9110),
/// spaces and tabs around the credentials, and nothing else let in.
@Suite struct WebhookAuthenticatorTests {
    static let bearer = WebhookAuthenticator(expected: .bearer(Secret("s3cret-Token")))
    static let basic = WebhookAuthenticator(expected: .basic(username: "alertmanager", password: Secret("pa ss")))

    @Test(arguments: [
        "Bearer s3cret-Token", "bearer s3cret-Token", "BEARER s3cret-Token", "BeArEr s3cret-Token", "Bearer \t s3cret-Token \t",
    ])
    func theRightTokenIsLetInWhateverTheSchemesCase(header: String) {
        #expect(Self.bearer.allows(header))
    }

    @Test(arguments: [
        "Bearer s3cret-token", "Bearer s3cret-Token2", "Bearer", "Bearer ", "Bearers3cret-Token", "Basic s3cret-Token",
        "Bearér s3cret-Token", "B\u{0}arer s3cret-Token", " Bearer s3cret-Token", "",
    ])
    func anythingElseIsRefused(header: String) {
        #expect(!Self.bearer.allows(header), "\(header)")
    }

    @Test func aMissingHeaderIsRefusedUnlessNoCredentialsAreConfigured() {
        #expect(!Self.bearer.allows(nil))
        #expect(WebhookAuthenticator(expected: nil).allows(nil))
    }

    @Test func basicCredentialsAreComparedWhole() {
        let good = HTTPCredentials.basic(username: "alertmanager", password: Secret("pa ss")).authorizationHeader
        #expect(Self.basic.allows(good))
        #expect(Self.basic.allows("BASIC " + good.dropFirst("Basic ".count)))
        #expect(!Self.basic.allows(HTTPCredentials.basic(username: "alertmanager", password: Secret("pa sS")).authorizationHeader))
    }
}
