import Foundation
import HummingbirdTesting
import Testing
@testable import Reelbase

@Suite struct SpendReportTests {
    static let range = "since=2025-03-01T00:00:00Z&until=2025-03-03T00:00:00Z"

    struct Booked {
        let team: TestTeam
        let owner: UUID
        let colleague: UUID
        let colleagueEmail: String
        let launch: UUID
    }

    /// Three bookings in the range (one an estimate, one without campaign or person), one outside it.
    static func bookSome() async throws -> Booked {
        let team = try await TestEnv.makeTeam()
        let owner = try await SpendFixtures.owner(of: team.team_id)
        let colleagueEmail = "ann-\(UUID().uuidString.prefix(8))@example.com"
        let colleague = try await SpendFixtures.user(email: colleagueEmail)
        let launch = try await SpendFixtures.campaign(team: team.team_id, name: "Launch")
        try await SpendFixtures.book(team: team.team_id, amount: "1.50", at: "2025-03-01T10:00:00Z", campaign: launch, user: owner)
        try await SpendFixtures.book(team: team.team_id, amount: "0.40", estimate: true, at: "2025-03-01T23:30:00Z", campaign: launch,
                                     user: colleague, model: "segmind/veo-3.1-fast")
        try await SpendFixtures.book(team: team.team_id, amount: "2.00", at: "2025-03-02T00:30:00Z")
        try await SpendFixtures.book(team: team.team_id, amount: "9.00", at: "2025-02-27T12:00:00Z", campaign: launch, user: owner)
        return Booked(team: team, owner: owner, colleague: colleague, colleagueEmail: colleagueEmail, launch: launch)
    }

    static func report(_ client: any TestClientProtocol, _ query: String, key: String) async throws -> SpendReport {
        try decode(SpendReport.self, from: try await client.call("/api/v1/spend?" + query, key: key))
    }

    @Test func groupsByEachDimension() async throws {
        let booked = try await Self.bookSome()
        let team = booked.team
        try await TestEnv.withApp { client in
            let viewer = try await Library.key("viewer", team: team, client: client)
            // Every role reads; day is the default grouping, UTC days.
            let byDay = try await Self.report(client, Self.range, key: viewer)
            #expect(byDay.group_by == .day)
            #expect(byDay.total_usd == 3.9)
            #expect(byDay.total_estimated_usd == 0.4)
            let days = byDay.rows
            #expect(days.map(\.key) == ["2025-03-01", "2025-03-02"])
            #expect(days[0].generations == 2)
            #expect(days[0].spent_usd == 1.9)
            #expect(days[0].estimated_usd == 0.4)
            #expect(days[0].reported_usd == 1.5)
            #expect(days[1].label == "2025-03-02")

            let byTeam = try await Self.report(client, "group_by=team&\(Self.range)", key: viewer).rows
            #expect(byTeam.count == 1)
            #expect(byTeam.first?.key == team.team_id.uuidString.lowercased())
            #expect(byTeam.first?.spent_usd == 3.9)

            let byCampaign = try await Self.report(client, "group_by=campaign&\(Self.range)", key: viewer).rows
            #expect(byCampaign.map(\.label) == ["(no campaign)", "Launch"])
            #expect(byCampaign.first { $0.label == "Launch" }?.key == booked.launch.uuidString.lowercased())
            #expect(byCampaign.first { $0.label == "Launch" }?.spent_usd == 1.9)
            #expect(byCampaign.first { $0.label == "(no campaign)" }?.key == "")

            let byUser = try await Self.report(client, "group_by=user&\(Self.range)", key: viewer).rows
            #expect(byUser.map(\.label) == ["(no person)", team.owner_email, booked.colleagueEmail])
            #expect(byUser.first { $0.key == booked.colleague.uuidString.lowercased() }?.spent_usd == 0.4)
            #expect(byUser.first { $0.key == booked.owner.uuidString.lowercased() }?.spent_usd == 1.5)

            let byModel = try await Self.report(client, "group_by=model&\(Self.range)", key: viewer).rows
            #expect(byModel.map(\.key) == ["segmind/veo-3", "segmind/veo-3.1-fast"])
            #expect(byModel[0].generations == 2)
            #expect(byModel[0].spent_usd == 3.5)
            #expect(byModel[1].estimated_usd == 0.4)

            // The range's edges: `until` is exclusive; a bare day means its UTC midnight.
            let firstDay = try await Self.report(client, "since=2025-03-01&until=2025-03-02", key: viewer)
            #expect(firstDay.total_usd == 1.9)
            for bad in ["group_by=campaigns", "format=xml", "since=yesterday", "since=2025-03-02&until=2025-03-01", "since=2020-01-01&until=2025-01-01"] {
                #expect(try await client.call("/api/v1/spend?\(bad)", key: viewer).status == .badRequest, "\(bad)")
            }
        }
    }

    @Test func csvIsQuotedAndDefusedForSpreadsheets() async throws {
        let team = try await TestEnv.makeTeam()
        let tricky = try await SpendFixtures.campaign(team: team.team_id, name: #"=HYPERLINK("http://evil.example","click"), now"#)
        let multiline = try await SpendFixtures.campaign(team: team.team_id, name: "two\nlines")
        try await SpendFixtures.book(team: team.team_id, amount: "1.25", at: "2025-03-01T10:00:00Z", campaign: tricky)
        try await SpendFixtures.book(team: team.team_id, amount: "0.50", estimate: true, at: "2025-03-01T11:00:00Z", campaign: multiline)
        try await TestEnv.withApp { client in
            let response = try await client.call("/api/v1/spend?group_by=campaign&format=csv&\(Self.range)", key: team.api_key)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(response.headers[.contentDisposition]?.contains("reelbase-spend-campaign-2025-03-01-2025-03-03.csv") == true)
            #expect(response.text == "key,label,generations,spent_usd,estimated_usd,reported_usd\r\n"
                + "\(tricky.uuidString.lowercased()),\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\"), now\",1,1.25,0,1.25\r\n"
                + "\(multiline.uuidString.lowercased()),\"two\nlines\",1,0.5,0.5,0\r\n")
        }
    }

    @Test func csvCells() {
        #expect(CSV.text("plain") == "plain")
        #expect(CSV.text("a,b") == "\"a,b\"")
        #expect(CSV.text("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSV.text("one\r\ntwo") == "\"one\r\ntwo\"")
        #expect(CSV.text("=1+1") == "'=1+1")
        #expect(CSV.text("+44 20") == "'+44 20")
        #expect(CSV.text("-2") == "'-2")
        #expect(CSV.text("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSV.text("\t=cmd") == "'\t=cmd")
        #expect(CSV.text("=a,\"b\"") == "\"'=a,\"\"b\"\"\"")
        #expect(CSV.text("a=b") == "a=b")
        #expect(CSV.text("") == "")
        #expect(CSV.number(Decimal(string: "-1.5")!) == "-1.5")
        #expect(CSV.line(["a", "b"]) == "a,b\r\n")
    }

    @Test func driftComparesBookedCostsWithTheBalanceFall() async throws {
        let booked = try await Self.bookSome()
        let team = booked.team.team_id
        let account = try await SpendFixtures.account(team: team)
        // The instance account: 100 before the range, 98.5 and 96.4 inside it: fell 3.6 while 3.9 was booked.
        try await SpendFixtures.snapshot(team: team, account: nil, remaining: "100", at: "2025-02-28T00:00:00Z")
        try await SpendFixtures.snapshot(team: team, account: nil, remaining: "98.5", at: "2025-03-01T10:00:01Z")
        try await SpendFixtures.snapshot(team: team, account: nil, remaining: "96.4", at: "2025-03-02T00:30:01Z")
        try await SpendFixtures.snapshot(team: team, account: nil, remaining: "10", at: "2025-03-05T00:00:00Z")
        // An account with one balance, no cost and nothing booked: shown, with no fall to compare.
        try await SpendFixtures.snapshot(team: team, account: account, remaining: "50", at: "2025-03-01T12:00:00Z")
        // One whose snapshots carry their charge: the first one's cost counts, so booked 2 = fell 2.
        let charged = try await SpendFixtures.account(team: team, name: "charged")
        let chargedKey = charged.uuidString.lowercased()
        try await SpendFixtures.book(team: team, amount: "1.00", at: "2025-03-01T13:00:00Z", accountKey: chargedKey)
        try await SpendFixtures.snapshot(team: team, account: charged, remaining: "20", cost: "1", at: "2025-03-01T13:00:00Z")
        try await SpendFixtures.book(team: team, amount: "1.00", at: "2025-03-01T14:00:00Z", accountKey: chargedKey)
        try await SpendFixtures.snapshot(team: team, account: charged, remaining: "19", cost: "1", at: "2025-03-01T14:00:00Z")
        try await TestEnv.withApp { client in
            let drift = try await Self.report(client, Self.range, key: booked.team.api_key).drift
            #expect(drift.count == 3)
            let withCosts = try #require(drift.first { $0.account_key == chargedKey })
            #expect(withCosts.opening_balance == 21)
            #expect(withCosts.balance_fall == 2)
            #expect(withCosts.drift == 0)
            let instance = try #require(drift.first { $0.account_key == "default:segmind" })
            #expect(instance.booked_usd == 3.9, "the charged account's bookings are its own")
            #expect(instance.opening_balance == 100)
            #expect(instance.closing_balance == 96.4)
            #expect(instance.balance_fall == 3.6)
            #expect(instance.drift == 0.3)
            #expect(instance.snapshots == 2)
            #expect(instance.label == "instance segmind account")
            let own = try #require(drift.first { $0.account_key == account.uuidString.lowercased() })
            #expect(own.booked_usd == 0)
            #expect(own.label == "team segmind")
            #expect(own.snapshots == 1)
            #expect(own.balance_fall == nil)
            #expect(own.drift == nil)
        }
    }

    @Test func aTeamNeverSeesAnotherTeamsSpend() async throws {
        let a = try await TestEnv.makeTeam()
        let b = try await TestEnv.makeTeam()
        try await SpendFixtures.book(team: a.team_id, amount: "1.00", at: "2025-03-01T10:00:00Z")
        try await SpendFixtures.book(team: b.team_id, amount: "7.00", at: "2025-03-01T10:00:00Z")
        try await SpendFixtures.snapshot(team: b.team_id, account: nil, remaining: "70", at: "2025-03-01T10:00:00Z")
        try await TestEnv.withApp { client in
            for grouping in SpendGrouping.allCases {
                let json = try await Self.report(client, "group_by=\(grouping.rawValue)&\(Self.range)", key: a.api_key)
                #expect(json.total_usd == 1, "\(grouping)")
                #expect(json.rows.count == 1, "\(grouping)")
                #expect(json.drift.count == 1)
                #expect(json.drift.first?.snapshots == 0)
            }
            let csv = try await client.call("/api/v1/spend?group_by=team&format=csv&\(Self.range)", key: a.api_key).text
            #expect(!csv.contains(b.team_id.uuidString.lowercased()))
        }
    }
}
