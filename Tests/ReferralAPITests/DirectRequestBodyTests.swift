import Foundation
import ReferralCore
import Testing

@testable import ReferralAPI

/// The request bodies read straight from parsed JSON (`DirectJSONDecodable`) read exactly what
/// `Codable` reads, and take nothing that `Codable` rejects: for every body below, the direct
/// reading gives a value if and only if `JSONDecoder` does, and then the same one.
@Suite("Request bodies read directly")
struct DirectRequestBodyTests {
    static func both<T: Decodable & DirectJSONDecodable>(_ type: T.Type, _ body: String) -> (direct: T?, codable: T?) {
        let direct = (try? JSONValue.parse(Data(body.utf8))).flatMap { T(json: $0) }
        let codable = try? JSONDecoder().decode(T.self, from: Data(body.utf8))
        return (direct, codable)
    }

    @Test(
        "report an action",
        arguments: [
            #"{"referralEvent":{"actionEvent":{"contactId":"c-1","trigger":{"appId":"stores","activityType":"STORE_ORDER_PLACED"},"amount":"49.90","currency":"USD","orderId":"o-1"}}}"#,
            #"{"referralEvent":{"actionEvent":{"referredFriendId":"0199f17a-4527-711a-a84f-c17ef8e734e6","trigger":{"activityType":"PLAN_ORDERED"},"orderId":"o"}}}"#,
            #"{"referralEvent":{"actionEvent":{"contactId":null,"referredFriendId":null,"trigger":{"appId":null,"activityType":"TICKET_ORDERED"},"amount":null,"currency":null,"orderId":"ünï \"q\" \/ 🎉"}},"extra":1}"#,
            #"{"referralEvent":{"actionEvent":{"contactId":"c","trigger":{"activityType":"UNKNOWN"},"amount":" 12 ","currency":"usd","orderId":""}}}"#,
            // Rejected by Codable, so by the direct reading too.
            #"{"referralEvent":{"actionEvent":{"contactId":"c","trigger":{"activityType":"STORE_ORDER_PLACED"}}}}"#,
            #"{"referralEvent":{"actionEvent":{"contactId":"c","trigger":{"activityType":"BOGUS"},"orderId":"o"}}}"#,
            #"{"referralEvent":{"actionEvent":{"contactId":"c","trigger":{"activityType":"STORE_ORDER_PLACED"},"amount":49.9,"orderId":"o"}}}"#,
            #"{"referralEvent":{"actionEvent":{"contactId":"c","trigger":{"activityType":"STORE_ORDER_PLACED"},"amount":"-1","orderId":"o"}}}"#,
            #"{"referralEvent":{"actionEvent":{"contactId":"c","trigger":{"activityType":"STORE_ORDER_PLACED"},"amount":"1.23456","orderId":"o"}}}"#,
            #"{"referralEvent":{"actionEvent":{"contactId":7,"trigger":{"activityType":"STORE_ORDER_PLACED"},"orderId":"o"}}}"#,
            #"{"referralEvent":{"actionEvent":{"contactId":"c","trigger":{"activityType":"STORE_ORDER_PLACED"},"orderId":null}}}"#,
            #"{"referralEvent":{"actionEvent":{"contactId":"c","trigger":"STORE_ORDER_PLACED","orderId":"o"}}}"#,
            #"{"referralEvent":{"actionEvent":{"contactId":"c","orderId":"o"}}}"#,
            #"{"referralEvent":{"actionEvent":[]}}"#,
            #"{"referralEvent":null}"#,
            #"{}"#,
            #"[]"#,
            #"{"referralEvent":{"actionEvent":{"contactId":"c","trigger":{"activityType":"STORE_ORDER_PLACED"},"orderId":"o"}}"#,
        ])
    func reportAction(body: String) {
        let (direct, codable) = Self.both(ReportActionRequest.self, body)
        #expect((direct == nil) == (codable == nil), "direct \(String(describing: direct)), Codable \(String(describing: codable))")
        if let direct, let codable {
            #expect(direct.domain == codable.domain)
        }
    }

    @Test(
        "create a referred friend",
        arguments: [
            #"{"referralCode":"ABCD1234"}"#,
            #"{"contactId":"c-2","referralCode":"ABCD1234"}"#,
            #"{"referredFriend":{"contactId":"c","referringCustomerId":"0199f17a-4527-711a-a84f-c17ef8e734e6"}}"#,
            #"{"referredFriend":{"contactId":"c","referralCode":"X"},"contactId":"ignored","referringCustomerId":null}"#,
            #"{"referredFriend":null,"referralCode":null}"#,
            #"{}"#,
            // Rejected by Codable.
            #"{"referralCode":12345678}"#,
            #"{"referredFriend":"c"}"#,
            #"{"referredFriend":{"contactId":false}}"#,
            #"[]"#,
            #""code""#,
        ])
    func createReferredFriend(body: String) {
        let (direct, codable) = Self.both(CreateReferredFriendRequest.self, body)
        #expect((direct == nil) == (codable == nil))
        if let direct, let codable {
            #expect(direct.domain == codable.domain)
            #expect(direct.referredFriend?.contactId == codable.referredFriend?.contactId)
        }
    }

    @Test(
        "generate a referring customer",
        arguments: [
            #"{"contactId":"c-3"}"#, #"{"contactId":""}"#, #"{"contactId":"x","other":[1]}"#,
            #"{}"#, #"{"contactId":null}"#, #"{"contactId":3}"#, #"[]"#,
        ])
    func generate(body: String) {
        let (direct, codable) = Self.both(GenerateReferringCustomerRequest.self, body)
        #expect((direct == nil) == (codable == nil))
        #expect(direct?.contactId == codable?.contactId)
    }
}
