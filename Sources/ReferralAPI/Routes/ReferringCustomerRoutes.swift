import Hummingbird
import ReferralCore

/// Referring customers, served under both Wix path forms.
struct ReferringCustomerRoutes {
    static let bases = ["/referral-customers/v1/referring-customers", "/v1/referring-customers"]

    let services: ReferralServices
    let auth: Authenticator

    func register(on router: Router<ReferralRequestContext>) {
        let customers = services.referringCustomers
        for base in Self.bases {
            let group = router.group(RouterPath(base))
            group.post { request, context in
                let caller = try await auth.caller(for: request)
                let body = try await WireJSON.decode(GenerateReferringCustomerRequest.self, from: request, context: context)
                let customer = try await customers.generate(caller, contactID: body.contactId)
                return WireJSON.response(ReferringCustomerEnvelope(referringCustomer: .init(customer)))
            }
            group.post("query") { request, context in
                let caller = try await auth.caller(for: request)
                let body = try await WireJSON.decodeQuery(from: request, context: context)
                let page = try await customers.query(caller, body.query)
                return WireJSON.response(
                    ReferringCustomersPage(referringCustomers: page.items.map(ReferringCustomerDTO.init), metadata: .init(page))
                )
            }
            group.get("code/:referralCode") { request, context in
                let caller = try await auth.caller(for: request)
                let code = try context.parameters.require("referralCode")
                return WireJSON.response(
                    ReferringCustomerEnvelope(referringCustomer: .init(try await customers.get(caller, referralCode: code))))
            }
            group.get(":id") { request, context in
                let caller = try await auth.caller(for: request)
                let id = try context.parameters.require("id")
                return WireJSON.response(ReferringCustomerEnvelope(referringCustomer: .init(try await customers.get(caller, id: id))))
            }
            group.delete(":id") { request, context in
                let caller = try await auth.caller(for: request)
                let id = try context.parameters.require("id")
                try await customers.delete(caller, id: id, revision: try revisionParameter(request))
                return WireJSON.response(EmptyResponse())
            }
        }
    }
}

/// The optional `?revision=N` of deletes.
func revisionParameter(_ request: Request) throws(ReferralError) -> Int64? {
    guard let text = request.uri.queryParameters.get("revision"), !text.isEmpty else { return nil }
    return try parseRevision(text, field: "revision")
}
