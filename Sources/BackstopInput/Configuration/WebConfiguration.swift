#if !FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    import NIOSSL
#endif

/// The Prometheus exporter-toolkit web configuration (`serve --web.config.file`, or the
/// `web_config_file:` key): TLS for the HTTP server and bcrypt basic-auth users, in the file
/// format every Prometheus exporter reads, so Prometheus scrapes Backstop as it scrapes them.
///
/// Unlike the exporter toolkit, which re-reads the file on every request, Backstop reads it once
/// at start (and `check-config` validates it): restart Backstop after renewing the certificate.
package struct WebConfiguration: Sendable {
    /// `tls_server_config`; nil serves plain HTTP.
    package var tls: WebTLS?
    /// `basic_auth_users`: user names and their bcrypt hashes.
    package var basicAuthUsers: [String: String] = [:]

    package init(tls: WebTLS? = nil, basicAuthUsers: [String: String] = [:]) {
        self.tls = tls
        self.basicAuthUsers = basicAuthUsers
    }

    /// Whether every client must authenticate: basic-auth users, or verified client certificates.
    /// The listen rule (``APIAccess/listenProblem(host:web:)``) counts either as authentication.
    package var authenticatesClients: Bool {
        !basicAuthUsers.isEmpty || tls?.clientAuth == .requireAndVerify
    }
}

/// `tls_server_config`: the server's certificate chain and key, already read and checked.
package struct WebTLS: Sendable {
    /// `client_auth_type` values Backstop accepts. The toolkit's `RequestClientCert` and
    /// `RequireAnyClientCert` accept certificates without verifying them, so they are refused.
    package enum ClientAuth: String, Sendable, CaseIterable {
        case none = "NoClientCert"
        case verifyIfGiven = "VerifyClientCertIfGiven"
        case requireAndVerify = "RequireAndVerifyClientCert"
    }

    /// `min_version` and `max_version` values.
    package enum Version: String, Sendable, CaseIterable {
        case tls10 = "TLS10"
        case tls11 = "TLS11"
        case tls12 = "TLS12"
        case tls13 = "TLS13"

        #if !FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
            var nio: TLSVersion {
                switch self {
                case .tls10: .tlsv1
                case .tls11: .tlsv11
                case .tls12: .tlsv12
                case .tls13: .tlsv13
                }
            }
        #endif
    }

    package var certificateChain: [NIOSSLCertificate]
    package var privateKey: NIOSSLPrivateKey
    package var clientAuth = ClientAuth.none
    /// `client_ca_file`: the CAs client certificates must chain to.
    package var clientCAs: [NIOSSLCertificate] = []
    package var minVersion = Version.tls12
    package var maxVersion = Version.tls13

    package init(certificateChain: [NIOSSLCertificate], privateKey: NIOSSLPrivateKey) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
    }

    #if !FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
        /// swift-nio-ssl's server configuration for these settings.
        package var serverConfiguration: TLSConfiguration {
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: certificateChain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
            configuration.minimumTLSVersion = minVersion.nio
            configuration.maximumTLSVersion = maxVersion.nio
            switch clientAuth {
            case .none:
                configuration.certificateVerification = .none
            case .verifyIfGiven:
                configuration.certificateVerification = .optionalVerification
                configuration.trustRoots = .certificates(clientCAs)
            case .requireAndVerify:
                configuration.certificateVerification = .noHostnameVerification
                configuration.trustRoots = .certificates(clientCAs)
            }
            return configuration
        }
    #endif
}
