import Foundation
import ProviderSimulator
import Testing

@testable import Reelbase

/// The API key never reaches a log line, an error message or a description.
@Suite struct ProviderRedactionTests {
    @Test func keyAppearsInNoLogLineAndNoError() async throws {
        try await withProviderTestBed { bed in
            var errors: [ProviderError] = []
            for api in ProviderAPI.allCases {
                let client = bed.client(api)
                _ = try await client.submit(ProviderTestBed.request(for: api))
                _ = try? await client.balance()
                for fault in [FaultKind.unauthorized, .rateLimited, .badGateway, .connectionReset] {
                    await bed.sim.setFaults([FaultRule(route: .submit, fault: fault, count: 1)])
                    if let error = await providerError({ () async throws(ProviderError) in
                        try await client.submit(ProviderTestBed.request(for: api))
                    }) {
                        errors.append(error)
                    }
                }
                #expect("\(client)".contains(ProviderTestBed.apiKey) == false)
            }
            let wrongKey = SegmindV2Client(
                http: bed.http, endpoint: ProviderEndpoint(baseURL: bed.sim.baseURL, apiKey: ProviderAPIKey("sk-wrong-key-0000000")),
                options: bed.options, logger: bed.logs.logger())
            if let error = await providerError({ () async throws(ProviderError) in try await wrongKey.balance() }) {
                errors.append(error)
            }

            #expect(errors.count == 13)
            #expect(!bed.logs.all.isEmpty)
            for line in bed.logs.all {
                #expect(!line.contains(ProviderTestBed.apiKey), "\(line)")
                #expect(!line.contains("sk-wrong-key-0000000"), "\(line)")
            }
            for error in errors {
                #expect(!error.description.contains(ProviderTestBed.apiKey))
                #expect(!String(reflecting: error).contains(ProviderTestBed.apiKey))
                #expect(!String(reflecting: error).contains("sk-wrong-key-0000000"))
            }
        }
    }
}
