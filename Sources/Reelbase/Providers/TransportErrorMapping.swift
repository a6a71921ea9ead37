import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// Classifies failures where no complete response arrived (network, timeouts, cancellation).
enum TransportErrorMapping {
    static func classify(_ error: any Error, call: ProviderCall, api: ProviderAPI) -> ProviderError {
        if let error = error as? ProviderError { return error }
        let description = describe(error)
        if neverLeft(error) {
            // Nothing reached the provider: even a POST is safe to try again.
            var failure = ProviderError(kind: .transient, api: api, httpStatus: nil, message: description)
            failure.unreachable = couldNotConnect(error)
            return failure
        }
        // Timeout, reset, cancellation, a body cut short: a POST may have been received and
        // billed; a GET can simply be repeated.
        let kind: ProviderError.Kind = call == .submit ? .ambiguous : .transient
        return ProviderError(kind: kind, api: api, httpStatus: nil, message: description)
    }

    /// Errors raised before any request byte could be written.
    static func neverLeft(_ error: any Error) -> Bool {
        if couldNotConnect(error) { return true }
        if let error = error as? HTTPClientError {
            return [.alreadyShutdown, .invalidURL, .emptyHost, .emptyScheme].contains(error)
        }
        return false
    }

    /// The provider could not be reached at all: an outage (or a wrong host), not a bad request.
    static func couldNotConnect(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError {
            return [
                .connectTimeout, .getConnectionFromPoolTimeout, .tlsHandshakeTimeout,
                .socksHandshakeTimeout, .httpProxyHandshakeTimeout,
            ].contains(error)
        }
        if error is NIOConnectionError { return true }  // every address refused / unreachable, or DNS failed
        if case ChannelError.connectTimeout = error { return true }
        if let error = error as? IOError {
            return [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH].contains(error.errnoCode)
        }
        return false
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as HTTPClientError where error == .deadlineExceeded:
            return "timed out waiting for the provider's response"
        case let error as HTTPClientError where error == .readTimeout:
            return "read timeout: the provider sent nothing for too long"
        case let error as HTTPClientError where error == .remoteConnectionClosed:
            return "the provider closed the connection before a complete response"
        case is NIOTooManyBytesError:
            return "response body larger than the configured cap"
        case is CancellationError:
            return "cancelled"
        default:
            return "network error: \(String(describing: error))"
        }
    }
}
