import ArgumentParser
import Foundation
import ReferralAPI
import ReferralCore
import ReferralStore

/// `referrals seed`: fills a database with a synthetic, deterministic dataset for benchmarks
/// (`scripts/bench`, docs/BENCHMARKS.md).
///
/// Every site gets an ACTIVE program (successful action STORE_ORDER_PLACED, a COUPON for the
/// friend, LOYALTY_POINTS for the referrer), then its referring customers, referred friends and
/// reported actions, written through the store's repositories in large write transactions. The
/// aggregates are kept as the engine keeps them (customer totals, site statistics, per-friend
/// actions). Contact ids and order ids are derived from the site and an index, so a benchmark
/// can build requests without reading the database:
///
/// - sites `site-0` … `site-{N-1}` (`--site-prefix`);
/// - referring customers `s3-rc-000123`, friends `s3-f-000456`, order ids `s3-o-000789`
///   (at least 6 digits; more when a site has a million rows or more);
/// - friend `j` of a site was referred by its referring customer `j % referringCustomers`;
/// - action `k` of a site belongs to friend `k % activeFriends`, where `activeFriends` is half
///   the site's friends: the other half have no action yet, so a benchmark can report their
///   first order and see a reward issued.
///
/// What the seed leaves out, to keep the row count at what was asked: sign-up events, issued
/// rewards and webhook outbox rows. The seeded actions use activity types that the program does
/// not count as successful (PLAN_ORDERED, SESSION_BOOKED, ...), so every seeded friend is still
/// SIGN_UP_COMPLETED, as the engine would have left them.
struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fill the database with a synthetic dataset for benchmarks (deterministic contact and order ids)."
    )

    @Option(help: "Number of sites; the rows are spread evenly over them.") var sites: Int = 10
    @Option(help: "Site ids are this prefix followed by 0, 1, 2, ...") var sitePrefix: String = "site-"
    @Option(help: "Referring customers in total.") var referringCustomers: Int = 100_000
    @Option(help: "Referred friends in total.") var referredFriends: Int = 300_000
    @Option(help: "Reported actions (action events with unique order ids) in total.") var actions: Int = 300_000
    @Option(help: "Rows per write transaction.") var batchSize: Int = 2_000
    @Option(help: "Sites seeded at once. Default: 1 on SQLite (one writer anyway), 4 on PostgreSQL.") var jobs: Int?
    @Option(help: "Referring customers per site listed in the manifest (spread over the whole site).") var samples: Int = 1_000
    @Option(help: "Write a JSON manifest (sites, counts, id patterns, sample customers) to this file.") var manifest: String?
    @OptionGroup var options: DatabaseOptions

    func validate() throws {
        guard (1...1000).contains(sites) else { throw ValidationError("--sites must be between 1 and 1000") }
        guard referringCustomers >= 0, referredFriends >= 0, actions >= 0 else { throw ValidationError("counts must not be negative") }
        guard referredFriends == 0 || referringCustomers >= sites else {
            throw ValidationError("every site needs a referring customer for its friends: --referring-customers must be at least --sites")
        }
        guard actions == 0 || referredFriends >= sites else {
            throw ValidationError("every site needs a referred friend for its actions: --referred-friends must be at least --sites")
        }
        guard (1...100_000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 100000") }
        guard (1...64).contains(jobs ?? 1) else { throw ValidationError("--jobs must be between 1 and 64") }
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1") }
        for index in [0, sites - 1] where !SiteID.isValid("\(sitePrefix)\(index)") {
            throw ValidationError("--site-prefix: '\(sitePrefix)\(index)' is not a valid site id")
        }
    }

    func run() async throws {
        let started = Date()
        let layouts = (0..<sites).map { index in
            SeedLayout(
                index: index, siteID: "\(sitePrefix)\(index)",
                referringCustomers: share(referringCustomers, of: index),
                referredFriends: share(referredFriends, of: index),
                actions: share(actions, of: index),
                digits: max(6, String(max(referringCustomers, referredFriends, actions)).count)
            )
        }
        let plan = SeedPlan(batchSize: batchSize, samples: samples, sites: sites)
        let parallel: Int
        if case .postgres = try options.location() { parallel = jobs ?? 4 } else { parallel = jobs ?? 1 }
        let report = try await options.withStore { store, logger in
            let dependencies = try await AppDependencies.make(
                store: store, configuration: AppConfiguration(defaultSite: try SiteID(validating: layouts[0].siteID)), logger: logger
            )
            let services = dependencies.services
            let seeded = try await withThrowingTaskGroup(of: SeedManifest.Site.self) { group in
                var pending = layouts[...]
                for _ in 0..<parallel {
                    guard let layout = pending.popFirst() else { break }
                    group.addTask { try await Self.seedSite(layout, plan: plan, store: store, services: services) }
                }
                var done: [SeedManifest.Site] = []
                while let site = try await group.next() {
                    done.append(site)
                    if let layout = pending.popFirst() {
                        group.addTask { try await Self.seedSite(layout, plan: plan, store: store, services: services) }
                    }
                }
                return done.sorted { $0.index < $1.index }
            }
            try await store.write { try await $0.dataTransfer.refreshPlannerStatistics() }
            return seeded
        }
        let elapsed = Date().timeIntervalSince(started)
        if let manifest {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            let document = SeedManifest(
                version: 1, digits: layouts[0].digits, sites: report, seconds: (elapsed * 10).rounded() / 10,
                patterns: [
                    "site": "\(sitePrefix){site}", "referringCustomer": "s{site}-rc-{index}", "referredFriend": "s{site}-f-{index}",
                    "orderId": "s{site}-o-{index}",
                ]
            )
            try encoder.encode(document).write(to: URL(fileURLWithPath: manifest))
        }
        let rows = referringCustomers + referredFriends + actions
        emit(
            "seeded \(sites) sites, \(rows) rows in \(String(format: "%.1f", elapsed)) s (\(Int(Double(rows) / max(elapsed, 0.001))) rows/s)"
        )
    }

    /// This site's part of a total: an even split, the remainder going to the first sites.
    func share(_ total: Int, of index: Int) -> Int {
        total / sites + (index < total % sites ? 1 : 0)
    }

    /// Configures and activates the site's program through the program service, as an integrator would.
    static func activateProgram(site: SiteID, services: ReferralServices) async throws {
        let caller = Caller(site: site, identity: .apiKey(id: "seed", permissions: Set(Permission.allCases)))
        let current = try await services.programs.get(caller)
        guard current.status != .ACTIVE else { return }
        _ = try await services.programs.update(
            caller,
            ProgramUpdate(
                revision: current.revision, name: .set("Benchmark Referral Program"),
                referredFriendReward: Reward(
                    type: .COUPON,
                    coupon: CouponSpecification(
                        name: "10% off your first order", discountType: .PERCENTAGE, percentage: 10, scope: CouponScope(namespace: "stores")
                    )
                ),
                referringCustomerReward: Reward(type: .LOYALTY_POINTS, loyaltyPoints: 100),
                successfulReferralActions: [.STORE_ORDER_PLACED], status: .ACTIVE
            )
        )
    }

    /// One site: its program, then its customers, friends and actions; returns its part of the manifest.
    static func seedSite(
        _ layout: SeedLayout, plan: SeedPlan, store: any ReferralStore, services: ReferralServices
    ) async throws -> SeedManifest.Site {
        let site = try SiteID(validating: layout.siteID)
        try await activateProgram(site: site, services: services)
        let customers = try await seedCustomers(layout, site: site, batchSize: plan.batchSize, store: store)
        let friends = try await seedFriends(layout, site: site, customers: customers.map(\.id), batchSize: plan.batchSize, store: store)
        try await seedActions(layout, site: site, friends: friends, batchSize: plan.batchSize, store: store)
        progress(
            "seeded \(layout.siteID) (\(layout.index + 1)/\(plan.sites)): \(layout.referringCustomers) referring customers, "
                + "\(layout.referredFriends) referred friends, \(layout.actions) actions"
        )
        return layout.manifest(customers: customers, samples: plan.samples)
    }

    static func seedCustomers(
        _ layout: SeedLayout, site: SiteID, batchSize: Int, store: any ReferralStore
    ) async throws -> [ReferringCustomer] {
        var customers: [ReferringCustomer] = []
        customers.reserveCapacity(layout.referringCustomers)
        for start in stride(from: 0, to: layout.referringCustomers, by: batchSize) {
            let range = start..<min(start + batchSize, layout.referringCustomers)
            let batch = try await store.write { tx in
                var batch: [ReferringCustomer] = []
                batch.reserveCapacity(range.count)
                for index in range {
                    let contactID = layout.contact("rc", index)
                    let created = layout.customerDate(index)
                    var outcome: InsertOutcome<ReferringCustomer> = .collision
                    var customer: ReferringCustomer?
                    // A code collision (62^12 codes) is astronomically rare; redraw like the service does.
                    for _ in 0..<8 {
                        let candidate = ReferringCustomer(
                            id: UUIDv7.generate(at: created), site: site, contactID: contactID, referralCode: ReferralCode.generate(),
                            revision: 1, createdDate: created, updatedDate: created
                        )
                        outcome = try await tx.referringCustomers.insert(candidate)
                        guard case .collision = outcome else {
                            customer = candidate
                            break
                        }
                    }
                    guard case .inserted = outcome, let customer else {
                        throw ValidationError("\(layout.siteID) is seeded already (contact \(contactID) exists); seed an empty database")
                    }
                    try await tx.statistics.customerCreated(customer)
                    batch.append(customer)
                }
                return batch
            }
            customers.append(contentsOf: batch)
        }
        return customers
    }

    static func seedFriends(
        _ layout: SeedLayout, site: SiteID, customers: [UUID], batchSize: Int, store: any ReferralStore
    ) async throws -> [ReferredFriend] {
        var friends: [ReferredFriend] = []
        friends.reserveCapacity(layout.referredFriends)
        for start in stride(from: 0, to: layout.referredFriends, by: batchSize) {
            let range = start..<min(start + batchSize, layout.referredFriends)
            let batch = try await store.write { tx in
                var batch: [ReferredFriend] = []
                batch.reserveCapacity(range.count)
                for index in range {
                    let created = layout.friendDate(index)
                    let friend = ReferredFriend(
                        id: UUIDv7.generate(at: created), site: site, contactID: layout.contact("f", index),
                        referringCustomerID: customers[index % customers.count], status: .SIGN_UP_COMPLETED, revision: 1,
                        createdDate: created, updatedDate: created
                    )
                    guard case .inserted = try await tx.referredFriends.insert(friend) else {
                        throw ValidationError(
                            "\(layout.siteID) is seeded already (contact \(friend.contactID) exists); seed an empty database")
                    }
                    try await tx.statistics.recordSignUp(site: site)
                    batch.append(friend)
                }
                return batch
            }
            friends.append(contentsOf: batch)
        }
        return friends
    }

    /// Activity types the seeded programs don't count as successful: seeded friends keep SIGN_UP_COMPLETED.
    static let seededTriggers: [ActionTrigger] = [
        ActionTrigger(appID: "pricing-plans", activityType: .PLAN_ORDERED),
        ActionTrigger(appID: "bookings", activityType: .SESSION_BOOKED),
        ActionTrigger(appID: "events", activityType: .TICKET_ORDERED),
        ActionTrigger(appID: "restaurants", activityType: .RESTAURANT_ORDER_PLACED),
        ActionTrigger(appID: "online-programs", activityType: .ONLINE_PROGRAM_JOINED),
    ]

    static func seedActions(
        _ layout: SeedLayout, site: SiteID, friends: [ReferredFriend], batchSize: Int, store: any ReferralStore
    ) async throws {
        let active = layout.activeFriends
        for start in stride(from: 0, to: layout.actions, by: batchSize) {
            let range = start..<min(start + batchSize, layout.actions)
            try await store.write { tx in
                for index in range {
                    let friend = friends[index % active]
                    let created = layout.actionDate(index)
                    let cents = 500 + (index &* 7919) % 20_000
                    let amount = DecimalAmount("\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100)")
                    let trigger = Self.seededTriggers[index % Self.seededTriggers.count]
                    let event = ReferralEvent(
                        id: UUIDv7.generate(at: created), site: site,
                        kind: .action(
                            referredFriendID: friend.id, referringCustomerID: friend.referringCustomerID, trigger: trigger, amount: amount,
                            currency: "USD", orderID: layout.contact("o", index)
                        ),
                        createdDate: created, updatedDate: created
                    )
                    guard case .inserted = try await tx.referralEvents.insert(event) else {
                        throw ValidationError("\(layout.siteID) is seeded already (order \(layout.contact("o", index)) exists)")
                    }
                    let units = amount?.units ?? 0
                    try await tx.statistics.recordAction(site: site, amountUnits: units)
                    _ = try await tx.statistics.recordFriendAction(friend, trigger: trigger, amountUnits: units, at: created)
                }
            }
        }
    }

    static func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// What every site's seeding needs besides its layout.
struct SeedPlan: Sendable {
    let batchSize: Int
    let samples: Int
    let sites: Int
}

/// Where one site's rows go: counts, ids and the (historical, increasing) creation dates.
struct SeedLayout: Sendable {
    static let day: Int64 = 86_400_000
    /// The dataset's history starts 400 days ago: customers over 180 days, then friends over
    /// 150 days, then the actions over 30 days.
    static let origin = Date().milliseconds - 400 * day

    let index: Int
    let siteID: String
    let referringCustomers: Int
    let referredFriends: Int
    let actions: Int
    let digits: Int

    /// Friends that have actions; the others are fresh (no action yet).
    var activeFriends: Int { max(1, referredFriends / 2) }

    /// `s3-rc-000123`: site index, kind, zero-padded index.
    func contact(_ kind: String, _ number: Int) -> String {
        let text = String(number)
        return "s\(index)-\(kind)-\(String(repeating: "0", count: max(0, digits - text.count)))\(text)"
    }

    func customerDate(_ number: Int) -> Date { date(number, of: referringCustomers, from: 0, span: 180) }
    func friendDate(_ number: Int) -> Date { date(number, of: referredFriends, from: 180, span: 150) }
    func actionDate(_ number: Int) -> Date { date(number, of: actions, from: 340, span: 30) }

    private func date(_ number: Int, of count: Int, from startDay: Int64, span days: Int64) -> Date {
        Date(milliseconds: Self.origin + startDay * Self.day + Int64(number) * (days * Self.day) / Int64(max(1, count)))
    }

    func manifest(customers: [ReferringCustomer], samples: Int) -> SeedManifest.Site {
        let count = min(samples, customers.count)
        let picked = (0..<count).map { customers[$0 * customers.count / count] }
        return SeedManifest.Site(
            site: siteID, index: index, referringCustomers: referringCustomers, referredFriends: referredFriends, actions: actions,
            activeFriends: referredFriends == 0 ? 0 : activeFriends,
            samples: picked.map { SeedManifest.Sample(contactId: $0.contactID, id: $0.id.lowercased, referralCode: $0.referralCode) }
        )
    }
}

/// The file `--manifest` writes, read by `scripts/bench`.
struct SeedManifest: Codable {
    struct Sample: Codable {
        var contactId: String
        var id: String
        var referralCode: String
    }

    struct Site: Codable {
        var site: String
        var index: Int
        var referringCustomers: Int
        var referredFriends: Int
        var actions: Int
        /// Friends `0 ..< activeFriends` have actions; the others have none yet.
        var activeFriends: Int
        var samples: [Sample]
    }

    var version: Int
    /// Zero-padding of the index in contact and order ids.
    var digits: Int
    var sites: [Site]
    var seconds: Double
    var patterns: [String: String]
}
