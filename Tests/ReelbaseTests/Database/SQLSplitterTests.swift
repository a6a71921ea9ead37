import Testing
@testable import Reelbase

@Suite struct SQLSplitterTests {
    @Test func splitsOnSemicolonsOnly() {
        #expect(SQLSplitter.split("CREATE TABLE a (x int); CREATE TABLE b (y int);\n") == ["CREATE TABLE a (x int)", "CREATE TABLE b (y int)"])
    }

    @Test func keepsSemicolonsInsideQuotesIdentifiersAndComments() {
        let sql = """
            INSERT INTO t VALUES ('a;b', 'it''s;');
            -- a comment; with a semicolon
            SELECT "odd;name" FROM t; /* block; /* nested; */ still; */ SELECT 2;
            SELECT E'back\\';slash';
            """
        #expect(SQLSplitter.split(sql) == [
            "INSERT INTO t VALUES ('a;b', 'it''s;')",
            "-- a comment; with a semicolon\nSELECT \"odd;name\" FROM t",
            "/* block; /* nested; */ still; */ SELECT 2",
            "SELECT E'back\\';slash'",
        ])
    }

    @Test func keepsDollarQuotedBodiesWhole() {
        let sql = """
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'no; way'; RETURN NULL; END;
            $$;
            CREATE FUNCTION g() RETURNS text AS $body$ SELECT 'x;$$;y' $body$ LANGUAGE sql;
            SELECT $1::int;
            """
        let statements = SQLSplitter.split(sql)
        #expect(statements.count == 3)
        #expect(statements[0].hasSuffix("END;\n$$"))
        #expect(statements[1] == "CREATE FUNCTION g() RETURNS text AS $body$ SELECT 'x;$$;y' $body$ LANGUAGE sql")
        #expect(statements[2] == "SELECT $1::int")
    }

    @Test func dropsCommentOnlyAndEmptyStatements() {
        #expect(SQLSplitter.split(";;  -- only a comment\n ; /* and this */ ;") == [])
        #expect(SQLSplitter.split("SELECT 1") == ["SELECT 1"])
    }
}
