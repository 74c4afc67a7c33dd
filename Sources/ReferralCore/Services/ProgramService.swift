import Foundation

/// The site's referral program: get (provisioned on first use), update, activate, pause.
public struct ProgramService: Sendable {
    let store: any ReferralStore
    let generators: Generators

    /// Any authenticated caller of the site may read the program.
    public func get(_ caller: Caller) async throws -> ReferralProgram {
        if let program = try await store.read({ try await $0.programs.find(site: caller.site) }) {
            return program
        }
        let generators = self.generators
        return try await store.write { tx in try await Self.provision(caller.site, in: tx, generators: generators) }
    }

    /// Partial update with optimistic concurrency; `status` ACTIVE/PAUSED acts as activate/pause.
    public func update(_ caller: Caller, _ update: ProgramUpdate) async throws -> ReferralProgram {
        try caller.requireAdmin(.manageProgram)
        guard let revision = update.revision else {
            throw ReferralError.validation(field: "referralProgram.revision", "is required", rule: "REQUIRED_FIELD")
        }
        return try await change(caller.site, expectedRevision: revision) { try ProgramRules.apply(update, to: $0) }
    }

    public func activate(_ caller: Caller) async throws -> ReferralProgram {
        try caller.requireAdmin(.manageProgram)
        return try await change(caller.site, expectedRevision: nil) { try ProgramRules.transition($0, to: .ACTIVE) }
    }

    public func pause(_ caller: Caller) async throws -> ReferralProgram {
        try caller.requireAdmin(.manageProgram)
        return try await change(caller.site, expectedRevision: nil) { try ProgramRules.transition($0, to: .PAUSED) }
    }

    /// The last generated social-post suggestions, so repeated reads show the same posts. A set
    /// is generated when there is none, or when the program changed since (its posts could
    /// promise rewards the program no longer gives).
    public func socialPosts(_ caller: Caller) async throws -> StoredSocialPosts {
        try caller.requireAdmin(.manageProgram)
        let program = try await get(caller)
        if let stored = try await store.read({ try await $0.socialPosts.find(site: caller.site) }),
            stored.programRevision == program.revision
        {
            return stored
        }
        return try await generateSocialPosts(caller, topic: nil)
    }

    /// A new, varied set of posts built from the program's current rewards and the topic.
    public func generateSocialPosts(_ caller: Caller, topic: String?) async throws -> StoredSocialPosts {
        try caller.requireAdmin(.manageProgram)
        let program = try await get(caller)
        var generator = SystemRandomNumberGenerator()
        let posts = StoredSocialPosts(
            suggestions: SocialPostComposer.compose(settings: program.settings, topic: topic, using: &generator),
            programRevision: program.revision, generatedDate: generators.now()
        )
        try await store.write { try await $0.socialPosts.save(posts, site: caller.site) }
        return posts
    }

    /// Self-hosted: every feature is available.
    public func premiumFeatures(_ caller: Caller) -> Bool { true }

    private func change(
        _ site: SiteID,
        expectedRevision: Int64?,
        _ rule: @escaping @Sendable (ReferralProgram) throws -> ReferralProgram?
    ) async throws -> ReferralProgram {
        let generators = self.generators
        return try await store.write { tx in
            let current = try await Self.provision(site, in: tx, generators: generators)
            if let expectedRevision, expectedRevision != current.revision {
                throw ReferralError.revisionMismatch(expected: expectedRevision, actual: current.revision)
            }
            guard var next = try rule(current) else { return current }
            next.revision = current.revision + 1
            next.updatedDate = generators.now()
            guard try await tx.programs.update(next, expectedRevision: current.revision) else {
                let latest = try await tx.programs.find(site: site)
                throw ReferralError.revisionMismatch(expected: current.revision, actual: latest?.revision ?? current.revision)
            }
            try await ChangeEvent.record(.updated, .program(next), sequence: next.revision, in: tx, generators: generators)
            return next
        }
    }

    /// The site's program, created as a DRAFT if the site has none yet.
    static func provision(_ site: SiteID, in tx: any StoreTransaction, generators: Generators) async throws -> ReferralProgram {
        if let program = try await tx.programs.find(site: site) { return program }
        try await tx.programs.insertIfAbsent(.draft(site: site, at: generators.now()))
        guard let program = try await tx.programs.find(site: site) else {
            throw StoreInvariantError("program of site \(site) missing after insert")
        }
        return program
    }
}

/// A broken storage invariant: a bug or a corrupted database, reported as a 500.
public struct StoreInvariantError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
