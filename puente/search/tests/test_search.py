"""Search through the public surface: relevance, cross-lingual expansion, typos, facets, highlighting, bad
queries, index freshness, the rebuild command, autocomplete and query counts."""

import datetime as dt
import io
import time
import unicodedata
from contextlib import ExitStack
from unittest import mock

from django.core.management import call_command
from django.db import connection
from django.test import TestCase, TransactionTestCase

from puente.core.tests.factories import (
    make_commitment,
    make_country,
    make_organisation,
    make_practice,
    make_resource,
    make_topic,
)
from puente.organizations.models import OrganisationType
from puente.practices.models import Practice

from .. import engine
from ..models import (
    PAIRED_FACETS,
    PAIRS_MARKER,
    PHRASES_MARKER,
    Document,
    Facet,
    Posting,
    Term,
    facet_token,
    pair_token,
    phrase_columns,
)
from ..sources import FACET_ORDER

BAD_QUERIES = [
    "",
    " ",
    "a" * 10_000,
    "!!!???...",
    "'; DROP TABLE practices_practice; --",
    'NEAR(remittances migrants) OR title:* AND "unbalanced',
    '"""',
    "remit*",
    "^migrants",
    "\x00\x01\x02migrants\x7f",
    "مهاجرون اللاجئين",
    "移民 难民",
    "Беженцы",
    "🙂🏳️‍🌈",
    "%_\\",
    "<script>alert(1)</script>",
]


class SearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.mexico = make_country("MX", "Mexico")
        cls.chile = make_country("CL", "Chile")
        cls.remittances = make_topic("Remittances")
        cls.inclusion = make_topic("Social Inclusion")
        cls.city = make_organisation("Municipality of La Pintana", is_verified=True, country=cls.chile)
        cls.remit = make_practice(
            "3x1 Remittance Programme",
            summary="Migrants living abroad send remittances that the State matches to build local infrastructure.",
            topics=[cls.remittances],
            country=cls.mexico,
            language="en",
        )
        cls.refugee = make_practice(
            "Supporting host communities for refugees",
            summary="Host communities receive refugees and migrants from Venezuela.",
            topics=[cls.inclusion],
            country=cls.chile,
            language="en",
        )
        cls.spanish = make_practice(
            "Capacitaciones para funcionarias municipales",
            summary="El municipio organiza capacitaciones sobre los derechos de las personas migrantes.",
            topics=[cls.inclusion],
            country=cls.chile,
            language="es",
        )
        cls.diaspora_title = make_practice("Diaspora engagement", summary="A mapping of associations abroad.")
        cls.diaspora_body = make_practice(
            "Mapping associations abroad", summary="A note that mentions the diaspora once in its body."
        )
        cls.draft = make_practice("Remittances draft never published", live=False)
        cls.commitment = make_commitment("Carmen commits to reception of migrants", local_government=cls.city)
        call_command("rebuild_search", stdout=io.StringIO())

    def setUp(self):
        # Counts cached by an earlier test may describe records that its rollback removed.
        engine.index_changed()

    def search(self, **params):
        return self.client.get("/en/search/", params)

    def titles(self, response):
        return [d.heading for d in response.context["results"].documents]

    def test_cross_lingual_queries_find_english_content(self):
        for query in ("remesas", "transferts de fonds", "envois de fonds", "remittance"):
            response = self.search(q=query)
            self.assertIn("3x1 Remittance Programme", self.titles(response), query)
        response = self.search(q="refugiados")
        self.assertIn("Supporting host communities for refugees", self.titles(response))
        self.assertContains(response, "Also searched for, in English, Spanish and French")
        self.assertContains(response, "refugees")
        # And the other way round: English finds Spanish content.
        self.assertIn("Capacitaciones para funcionarias municipales", self.titles(self.search(q="training")))

    def test_glossary_concepts_are_words_of_the_index(self):
        # A French phrase in the body gives the document the concept, so an English or Spanish query for the
        # concept (one word of the index, not a dozen alternatives) finds it.
        with self.captureOnCommitCallbacks(execute=True):
            make_practice(
                "Fonds communaux", summary="Les transferts de fonds des familles financent l'école."
            )
        document = Document.objects.get(heading="Fonds communaux")
        remittances = next(g for g in engine.parse("remittances").groups)
        self.assertTrue(remittances.concepts)
        self.assertTrue(set(remittances.concepts) <= set(document.concepts.split()))
        self.assertEqual(document.heading_concepts, "")
        for query in ("remittances", "remesas", "envois de fonds"):
            self.assertIn("Fonds communaux", self.titles(self.search(q=query)), query)
        # The title's concepts weigh as the title.
        self.assertTrue(Document.objects.get(heading="3x1 Remittance Programme").heading_concepts)

    def test_an_index_without_concept_words_still_expands_queries(self):
        """An index built before concept words (or a concept no document has) matches the concept's words
        and phrases instead."""
        from ..models import Term

        Term.objects.filter(word__startswith="zqc").delete()
        engine.index_changed()
        group = engine.parse("remesas").groups[0]
        self.assertEqual(group.concepts, [])
        for query in ("remesas", "transferts de fonds"):
            self.assertIn("3x1 Remittance Programme", self.titles(self.search(q=query)), query)

    def test_stemming_in_each_language(self):
        self.assertIn(
            "Capacitaciones para funcionarias municipales", self.titles(self.search(q="capacitación"))
        )
        self.assertIn("Supporting host communities for refugees", self.titles(self.search(q="community")))
        self.assertIn("3x1 Remittance Programme", self.titles(self.search(q="matching")))

    def test_typos_still_find_their_matches(self):
        response = self.search(q="remitances")
        self.assertIn("3x1 Remittance Programme", self.titles(response))
        self.assertContains(response, "Including results for “remittances” (you typed “remitances”).")
        response = self.search(q="venezuelq")
        self.assertIn("Supporting host communities for refugees", self.titles(response))
        # Two edits: nothing found, but the page offers a correction that finds something.
        response = self.search(q="remitanses")
        self.assertEqual(response.context["results"].total, 0)
        self.assertContains(response, 'Did you mean <a href="?q=remittances">remittances</a>?')
        # No suggestion that would find nothing either.
        self.assertNotContains(self.search(q="qqqqqqqq"), "Did you mean")
        # A query that finds nothing because of one of its words: the others (corrected, phrases quoted).
        for query, suggestion, link in (
            ("refugees qqqqzz", "refugees", "refugees"),
            ("remitanses qqqqzz", "remittances", "remittances"),
            ('"host communities" qqqqzz', "&quot;host communities&quot;", "%22host+communities%22"),
        ):
            response = self.search(q=query)
            self.assertEqual(response.context["results"].total, 0)
            self.assertContains(response, f'Did you mean <a href="?q={link}">{suggestion}</a>?')
            self.assertGreater(
                self.search(q=response.context["results"].suggestion).context["results"].total, 0
            )
        self.assertNotContains(self.search(q="qqqqzz zzzzqq"), "Did you mean")

    def test_title_matches_rank_above_body_matches(self):
        from unittest import mock

        from .. import engine

        titles = self.titles(self.search(q="diaspora"))
        self.assertLess(titles.index("Diaspora engagement"), titles.index("Mapping associations abroad"))
        # Also when there are too many matches to rank every body (PostgreSQL then ranks titles only).
        with mock.patch.object(engine, "RANK_ALL", 1):
            titles = self.titles(self.search(q="diaspora"))
        self.assertLess(titles.index("Diaspora engagement"), titles.index("Mapping associations abroad"))

    def test_quoted_phrases_match_adjacent_words(self):
        """A quoted phrase finds its words next to each other and in that order, not anywhere in the text. On
        PostgreSQL the candidates come from the index of adjacent word pairs where the phrase has any (not
        across a stop word), with the same results as through the body's index alone. On SQLite a query of
        two-word phrases only is answered from the table of word pairs, with the same results as through
        the main index."""
        from django.test.utils import CaptureQueriesContext

        make_practice("Local development plans", summary="A plan for local development with the diaspora.")
        make_practice("Development of the local economy", summary="Local markets and development banks.")
        make_practice("Remittance fees", summary="Lowering the cost of sending money home.")
        postgres = connection.vendor == "postgresql"
        # (query, titles found, whether the pairs' index finds the candidates, whether the phrase is then
        # tested on them: a phrase of two words is its pair, a longer one is not)
        cases = [
            ('"local development"', ["Local development plans"], True, False),
            ('"development local"', [], True, False),
            ('"cost of sending" fees', ["Remittance fees"], False, True),  # "of" is not indexed: no pair
            ('"sending money home"', ["Remittance fees"], True, True),
            ('"local development"', ["Local development plans"], True, False),  # with facets, below
        ]
        # SQLite: whether the query is answered from the table of word pairs (two-word phrases only)
        from_pairs_table = [True, True, False, False, True]
        for number, (query, expected, paired, tested) in enumerate(cases):
            selection = {"q": query, **({"kind": "practice", "language": "en"} if number == 4 else {})}
            seen = []
            for indexed in (True, False):
                if not indexed:
                    with connection.cursor() as cursor:
                        cursor.execute("SAVEPOINT phrases")
                        if postgres:
                            cursor.execute("DROP INDEX puente_search_posting_phrases")
                        else:  # as in an index built before the table: it is not used
                            Term.objects.filter(word=PHRASES_MARKER).delete()
                engine.index_changed()
                with CaptureQueriesContext(connection) as queries:
                    response = self.search(**selection)
                if not indexed:
                    with connection.cursor() as cursor:
                        cursor.execute("ROLLBACK TO SAVEPOINT phrases")
                results = response.context["results"]
                self.assertEqual(sorted(self.titles(response)), expected, selection)
                seen.append((results.total, results.facets))
                statements = [q["sql"] for q in queries.captured_queries]
                uses_table = [sql for sql in statements if "puente_search_phrase MATCH" in sql]
                self.assertEqual(bool(uses_table), not postgres and indexed and from_pairs_table[number])
                uses_pairs = [sql for sql in statements if "puente_word_pairs(p.body) @>" in sql]
                self.assertEqual(bool(uses_pairs), postgres and paired and indexed, selection)
                body_tested = [sql for sql in uses_pairs if "p.body @@" in sql.split(" WHERE ", 1)[1]]
                if uses_pairs:
                    self.assertEqual(bool(body_tested), tested, selection)
            self.assertEqual(seen[0], seen[-1], selection)
        if not postgres:
            # SQLite: accents, case, digits and other scripts find the same through the table of pairs as
            # through the main index.
            make_practice("Apoyo al desarrollo económico", summary="Metas 2030 para los municipios.")
            make_practice("移民 政策 local", summary="Développement économique local.")
            queries = [
                '"desarrollo economico"',
                '"DESARROLLO Económico"',
                '"metas 2030"',
                '"2030 para"',
                '"移民 政策"',
                '"developpement economique"',
                '"économique local"',
            ]
            for query in queries:
                engine.index_changed()
                through_pairs = self.titles(self.search(q=query))
                with connection.cursor() as cursor:
                    cursor.execute("SAVEPOINT phrases")
                    Term.objects.filter(word=PHRASES_MARKER).delete()
                    engine.index_changed()
                    through_index = self.titles(self.search(q=query))
                    cursor.execute("ROLLBACK TO SAVEPOINT phrases")
                self.assertEqual(len(through_pairs), 1, query)
                self.assertEqual(through_pairs, through_index, query)
        if postgres:
            # The index keeps every facet's word and every facet pair's word (a phrase with one chosen value
            # looks them up there: a word it dropped would hide every match).
            words = [facet_token(name, "some-value") for name in FACET_ORDER]
            words += [pair_token(a, "x", b, "y") for a, b in PAIRED_FACETS]
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT puente_word_pairs(to_tsvector(%s))", [" ".join(["local development", *words])]
                )
                kept = set(cursor.fetchone()[0])
            self.assertEqual(sorted(set(words) - kept), [])
            self.assertNotIn("zqdoc0", kept)
        # The pairs follow edits of the text.
        practice = Practice.objects.get(title="Development of the local economy")
        practice.summary = "Rural and local development banks."
        with self.captureOnCommitCallbacks(execute=True):
            practice.save_revision().publish()
        engine.index_changed()
        self.assertEqual(
            sorted(self.titles(self.search(q='"local development"'))),
            ["Development of the local economy", "Local development plans"],
        )

    def test_highlighted_snippets_are_escaped(self):
        topic = make_topic('Towns & <b>"cities"</b>', slug="towns-cities")
        make_practice(
            "<b>Migrants</b> & cities",
            summary="<script>alert('x')</script> migrants welcome",
            topics=[topic],
        )
        response = self.search(q="migrants")
        # The facet's label and value, in the sidebar's checkboxes
        self.assertContains(
            response,
            'name="topic" value="towns-cities"> Towns &amp; &lt;b&gt;&quot;cities&quot;&lt;/b&gt; '
            '<span class="facet__count">(1)</span>',
        )
        self.assertContains(response, "<mark>migrants</mark>")
        self.assertContains(response, "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;")
        self.assertNotContains(response, "<script>alert")
        self.assertContains(response, "&lt;b&gt;<mark>Migrants</mark>&lt;/b&gt; &amp; cities")

    def test_facets_combine_and_count_the_other_selections(self):
        response = self.search(q="migrants")
        facets = {
            f["name"]: {v["value"]: v["count"] for v in f["values"]} for f in response.context["facets"]
        }
        self.assertEqual(facets["kind"], {"practice": 3, "commitment": 1})
        # AND across facets, OR within one.
        response = self.search(q="migrants", kind="practice", country="cl")
        self.assertEqual(
            sorted(self.titles(response)),
            ["Capacitaciones para funcionarias municipales", "Supporting host communities for refugees"],
        )
        response = self.search(q="migrants", kind="practice", country=["cl", "mx"])
        self.assertEqual(len(self.titles(response)), 3)
        facets = {
            f["name"]: {v["value"]: v["count"] for v in f["values"]} for f in response.context["facets"]
        }
        # Counts of a facet ignore its own selection but apply the others'.
        self.assertEqual(facets["country"], {"cl": 2, "mx": 1})
        self.assertEqual(facets["kind"]["commitment"], 1)
        self.assertEqual(facets["topic"], {"social-inclusion": 2, "remittances": 1})
        self.assertContains(response, 'name="country" value="mx" checked')

    def test_facet_counts_are_estimated_above_the_sample_size(self):
        from unittest import mock

        from .. import engine

        exact = self.search(q="migrants", kind="practice")
        self.assertFalse(exact.context["results"].approximate_facets)
        self.assertNotContains(exact, "Counts estimated")
        with mock.patch.object(engine, "FACET_SAMPLE", 2):
            response = self.search(q="migrants", kind="practice")
        self.assertTrue(response.context["results"].approximate_facets)
        self.assertContains(response, "Counts estimated from a sample of the results.")
        self.assertContains(response, "(≈")
        facets = {
            f["name"]: {v["value"]: v["count"] for v in f["values"]} for f in response.context["facets"]
        }
        # Three practices (and one commitment) match; a sample of two is scaled back up.
        self.assertGreaterEqual(sum(facets["kind"].values()), 3)
        results = response.context["results"]
        # The number of matches was estimated from the sample, then made exact by the page, which shows them
        # all (an estimate is shown when there are more pages: see the pagination test).
        self.assertFalse(results.approximate_total)
        self.assertEqual(results.total, len(results.documents))
        self.assertGreaterEqual(results.total, 3)

    def test_a_chosen_facets_other_values_are_counted_from_a_smaller_sample(self):
        response = self.search(q="migrants", kind="practice")
        self.assertFalse(response.context["results"].approximate_facets)
        with mock.patch.object(engine, "OTHER_VALUES_SAMPLE", 1):
            response = self.search(q="migrants", kind="practice")
        results = response.context["results"]
        self.assertTrue(results.approximate_facets)
        facets = {
            f["name"]: {v["value"]: v["count"] for v in f["values"]} for f in response.context["facets"]
        }
        # One of the four matches (three practices, a commitment) is sampled for the other types, so the
        # type facet is an estimate of one value at most besides the chosen one, which stays listed (it can
        # be unchosen); the other facets and the results are exact.
        self.assertIn("practice", facets["kind"])
        self.assertLessEqual(len(facets["kind"]), 2)
        # The only chosen value of its facet counts every match: the number of results, not an estimate.
        self.assertEqual(facets["kind"]["practice"], results.total)
        self.assertContains(response, 'name="kind" value="practice" checked')
        self.assertEqual(facets["country"], {"cl": 2, "mx": 1})
        self.assertEqual(results.total, 3)
        self.assertFalse(results.approximate_total)
        # Only the estimated counts are marked so: the type facet's other values, not the chosen type (the
        # exact total) nor the facets counted from the main sample, which holds every match.
        self.assertEqual({name for name, _ in results.approximate_facets}, {"kind"})
        self.assertNotIn(("kind", "practice"), results.approximate_facets)
        content = response.content.decode()
        self.assertRegex(
            content, r'name="kind" value="practice" checked> [^<]*<span class="facet__count">\(3\)'
        )
        self.assertRegex(content, r'name="country" value="cl"> [^<]*<span class="facet__count">\(2\)')
        self.assertContains(response, "Counts estimated from a sample of the results.")

    def test_sort_by_date_and_pagination(self):
        for i in range(25):
            make_practice(f"Welcome desk number {i}", summary="A welcome desk for newcomers.")
        response = self.search(q="welcome desk", sort="date")
        self.assertEqual(response.context["results"].total, 25)
        self.assertEqual(len(self.titles(response)), 20)
        self.assertContains(response, 'rel="next"')
        second = self.search(q="welcome desk", sort="date", page=2)
        self.assertEqual(len(self.titles(second)), 5)
        # Too many matches to rank (title matches first, then the others in index order), and more than the
        # estimate (these documents were indexed after the rebuild, at the end of the index): the pages still
        # show every match once, each full page offering the next.
        for i in range(5):
            make_practice(f"Reception point {i}", summary="A welcome desk for newcomers.")
        exact = self.search(q="welcome desk")
        every = self.titles(exact) + self.titles(self.search(q="welcome desk", page=2))
        self.assertEqual(len(every), exact.context["results"].total)
        with mock.patch.object(engine, "FACET_SAMPLE", 2), mock.patch.object(engine, "RANK_ALL", 2):
            first = self.search(q="welcome desk")
            self.assertContains(first, 'rel="next"')
            self.assertContains(first, "About ")
            second = self.search(q="welcome desk", page=2)
            self.assertNotContains(second, 'rel="next"')
        paged = self.titles(first) + self.titles(second)
        self.assertEqual(sorted(paged), sorted(every))
        # The same with a facet, the 25 title matches ranked (at most RANK_ALL) or not: title matches first,
        # then the others, every match once across the pages.
        for rank_all in (10, 30):
            with (
                mock.patch.object(engine, "FACET_SAMPLE", 2),
                mock.patch.object(engine, "RANK_ALL", rank_all),
            ):
                engine.index_changed()
                first = self.titles(self.search(q="welcome desk", kind="practice"))
                second = self.titles(self.search(q="welcome desk", kind="practice", page=2))
            self.assertEqual(sorted(first + second), sorted(every))
            self.assertTrue(all(t.startswith("Welcome desk") for t in first), rank_all)
            self.assertEqual([t for t in second if t.startswith("Reception")], second[5:], rank_all)
        self.assertEqual(self.search(q="welcome desk", page="nonsense").status_code, 200)
        self.assertEqual(self.search(q="welcome desk", page="99999999999999999999").status_code, 200)

    def test_pages_reuse_what_the_sample_found(self):
        """Where the sample tells which of its matches match in their title (PostgreSQL), the first page of
        a large result (title matches first, then the others, in index order) is taken from it instead of
        searched again; a sample that holds every match gives the candidates to rank (both engines). The
        same page either way."""
        from django.test.utils import CaptureQueriesContext

        for i in range(12):
            make_practice(f"Welcome desk number {i}", summary="A welcome desk for newcomers.")
        for i in range(8):
            make_practice(f"Reception point {i}", summary="A welcome desk for newcomers.")
        counts = engine._counts

        def first_page(query, keep, sample_size=10, rank_all=2, **facets):
            def forgetful(*args):
                (total, exact, facet_counts, approximate, sample), early = counts(*args)
                forgotten = sample._replace(head=None, ids=None, ranked=None)
                return (total, exact, facet_counts, approximate, forgotten), early

            with (
                mock.patch.object(engine, "PAGE_SIZE", 5),
                mock.patch.object(engine, "FACET_SAMPLE", sample_size),
                mock.patch.object(engine, "RANK_ALL", rank_all),
                mock.patch.object(engine, "_counts", counts if keep else forgetful),
                CaptureQueriesContext(connection) as queries,
            ):
                engine.index_changed()
                titles = self.titles(self.search(q=query, **facets))
            searches = sum(1 for q in queries.captured_queries if " MATCH " in q["sql"] or "@@" in q["sql"])
            return titles, searches

        postgres = connection.vendor == "postgresql"
        for query, facets in (
            ("welcome desk", {}),
            ("newcomers", {}),
            ("welcome desk", {"kind": "practice"}),
        ):
            (page, searches), (expected, searched) = (
                first_page(query, True, **facets),
                first_page(query, False, **facets),
            )
            self.assertEqual(page, expected, query)
            self.assertEqual(len(page), 5)
            if query == "welcome desk":  # title matches first (the others are not ranked: RANK_ALL)
                self.assertTrue(all(t.startswith("Welcome desk") for t in page), page)
            # PostgreSQL: one search fewer (the sample's) than without the sample's first matches.
            self.assertEqual(searches, searched - 1 if postgres else searched, query)
        # Every match in the sample (20 of them): ranked among those, without searching for them again
        # (SQLite still matches the query's words, to weigh them).
        for query, facets in (("welcome desk", {}), ("newcomers", {"kind": "practice"})):
            (page, searches), (expected, searched) = (
                first_page(query, keep, sample_size=100, rank_all=100, **facets) for keep in (True, False)
            )
            self.assertEqual(page, expected, query)
            self.assertEqual(len(page), 5)
            self.assertEqual(searches, searched - 1 if postgres else searched, query)

    def test_bad_queries_give_a_normal_page(self):
        for query in BAD_QUERIES:
            for language in ("en", "es", "fr"):
                response = self.client.get(f"/{language}/search/", {"q": query, "sort": query, "kind": query})
                self.assertEqual(response.status_code, 200, repr(query))
        self.assertNotContains(self.search(q="<script>alert(1)</script>"), "<script>alert(1)</script>")

    def test_every_unicode_script_gives_a_normal_page(self):
        # One letter (or, failing that, any assigned character) of every block of 128 code points in the first
        # four planes: every script, combining marks, symbols, private use and unassigned code points.
        chosen = []
        for start in range(0x80, 0x40000, 0x80):
            block = [chr(c) for c in range(start, start + 0x80) if not 0xD800 <= c < 0xE000]
            letters = [c for c in block if unicodedata.category(c).startswith("L")]
            chosen.append((letters or block or ["?"])[len(letters or block) // 2])
        # Words of six (long enough to be checked for typos), twenty words to a query, quoted and not.
        words = ["".join(chosen[i : i + 6]) for i in range(0, len(chosen), 6)]
        for i in range(0, len(words), 20):
            query = " ".join(words[i : i + 20])
            for q in (query, f'"{query}"', f"{words[i]} migrants"):
                self.assertEqual(self.search(q=q, kind="practice").status_code, 200, repr(q))
                self.assertEqual(self.client.get("/es/search/suggest/", {"q": q}).status_code, 200, repr(q))
        self.assertGreater(len(words), 300)

    def assert_phrase_rows_follow_postings(self):
        """SQLite: the table of word pairs has one row per posting, that posting's pairs."""
        if connection.vendor != "sqlite":
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid, title, body FROM puente_search_phrase ORDER BY rowid")
            rows = cursor.fetchall()
            cursor.execute(
                "SELECT e.id, e.title, e.body FROM wagtailsearch_indexentry e "
                "JOIN puente_search_posting p ON p.id = e.id ORDER BY e.id"
            )
            entries = cursor.fetchall()
        self.assertEqual(rows, [(pk, *phrase_columns(title, body)) for pk, title, body in entries])
        self.assertEqual(len(rows), Posting.objects.count())

    def test_index_follows_create_edit_publish_unpublish_and_delete(self):
        self.assertEqual(self.titles(self.search(q="neverpublished")), [])
        self.assertFalse(Document.objects.filter(heading="Remittances draft never published").exists())
        with self.captureOnCommitCallbacks(execute=True):
            practice = make_practice("Seed funds for returnees", summary="Grants for returnees' businesses.")
        self.assertIn("Seed funds for returnees", self.titles(self.search(q="returnees")))
        # Quoted phrases of two words (on SQLite: through the table of word pairs, which follows too).
        self.assertEqual(self.titles(self.search(q='"seed funds"')), ["Seed funds for returnees"])
        self.assert_phrase_rows_follow_postings()
        with self.captureOnCommitCallbacks(execute=True):
            practice.title = "Start-up grants for returnees"
            practice.save()
        self.assertIn("Start-up grants for returnees", self.titles(self.search(q="returnees")))
        self.assertNotIn("Seed funds for returnees", self.titles(self.search(q="returnees")))
        self.assertEqual(self.titles(self.search(q='"seed funds"')), [])
        self.assertEqual(self.titles(self.search(q='"up grants"')), ["Start-up grants for returnees"])
        self.assert_phrase_rows_follow_postings()
        practice.unpublish()
        self.assertEqual(self.titles(self.search(q="returnees")), [])
        self.assertEqual(self.titles(self.search(q='"up grants"')), [])
        self.assert_phrase_rows_follow_postings()
        practice.save_revision().publish()
        self.assertIn("Start-up grants for returnees", self.titles(self.search(q="returnees")))
        self.assertEqual(self.titles(self.search(q='"up grants"')), ["Start-up grants for returnees"])
        Practice.objects.get(pk=practice.pk).delete()
        self.assertEqual(self.titles(self.search(q="returnees")), [])
        self.assertEqual(self.titles(self.search(q='"up grants"')), [])
        self.assertEqual(Posting.objects.count(), Document.objects.count())
        self.assert_phrase_rows_follow_postings()
        # Organisations appear once verified.
        organisation = make_organisation("Ciudad de Prueba Nueva", is_verified=False)
        self.assertEqual(self.titles(self.search(q="prueba")), [])
        organisation.is_verified = True
        organisation.save()
        self.assertEqual(self.titles(self.search(q="prueba")), ["Ciudad de Prueba Nueva"])

    def test_rebuild_command(self):
        out = io.StringIO()
        call_command("rebuild_search", stdout=out)
        self.assertIn(f"Indexed {Document.objects.count()} records", out.getvalue())
        self.assert_phrase_rows_follow_postings()  # SQLite: every document has its row of word pairs
        self.assertEqual(Term.objects.filter(word=PHRASES_MARKER).exists(), connection.vendor == "sqlite")
        self.assertIn("[##############################]", out.getvalue())
        self.assertEqual(
            Document.objects.filter(kind="practice").count(), Practice.objects.filter(live=True).count()
        )

    def test_autocomplete_suggests_titles_organisations_and_places(self):
        response = self.client.get("/en/search/suggest/", {"q": "remitt"})
        self.assertContains(response, "3x1 Remittance Programme")
        response = self.client.get("/en/search/suggest/", {"q": "La Pint"})
        self.assertContains(response, "Municipality of La Pintana")
        for query in BAD_QUERIES:
            self.assertEqual(self.client.get("/en/search/suggest/", {"q": query}).status_code, 200)

    def test_organisation_type_facet(self):
        response = self.search(q="pintana", orgtype=OrganisationType.LOCAL_GOVERNMENT)
        self.assertIn("Municipality of La Pintana", self.titles(response))

    # As before the postings' first ANALYZE: with statistics, PostgreSQL asks the planner's estimates first to
    # choose between the index and a scan (one more statement; see the test of scans below).
    @mock.patch.object(engine, "_table_stats", new=lambda table: (0.0, 0, 0))
    def test_query_counts(self):
        self.search(q="migrants")  # warm the label cache
        engine.index_changed()
        # The parse (concept tokens and typo candidates against the vocabulary), a sample (total and facet
        # counts), the page.
        with self.assertNumQueries(3):
            self.assertEqual(self.search(q="migrants").status_code, 200)
        with self.assertNumQueries(1):  # the same query again: parse, total and facet counts from the cache
            self.assertEqual(self.search(q="migrants").status_code, 200)
        with self.assertNumQueries(4):  # + a sample per facet with a selection (the parse is cached)
            self.assertEqual(
                self.search(q="migrants", kind="practice", country=["cl", "mx"]).status_code, 200
            )
        with self.assertNumQueries(1):
            self.assertEqual(
                self.search(q="migrants", kind="practice", country=["cl", "mx"]).status_code, 200
            )
        # Topic and country: one more, whether the index has the words of their pairs (then cached too).
        with self.assertNumQueries(5):
            self.assertEqual(self.search(q="migrants", topic="remittances", country="mx").status_code, 200)
        with self.assertNumQueries(4):
            self.assertEqual(
                self.search(q="migrants", topic="remittances", country=["mx", "cl"]).status_code, 200
            )
        with self.assertNumQueries(2):
            self.assertEqual(self.search().status_code, 200)
        # A quoted phrase (nothing to look up in the vocabulary): a sample and the page; PostgreSQL looks up
        # the phrase's adjacent word pairs first (and whether their index is ready), SQLite whether every
        # document has its row of word pairs (then cached).
        with self.assertNumQueries(3):
            self.assertEqual(self.search(q='"host communities"').status_code, 200)
        # More matches than the sample: the number is estimated from the sample; title matches are counted
        # (SQLite; PostgreSQL estimates them from the sample), then paged (ranked), then the others fill the
        # page. With facets SQLite counts them in the statement that ranks them.
        postgres = connection.vendor == "postgresql"
        with mock.patch.object(engine, "FACET_SAMPLE", 2), self.assertNumQueries(3 if postgres else 4):
            self.assertEqual(self.search(q="migrants").status_code, 200)
        with mock.patch.object(engine, "FACET_SAMPLE", 2), self.assertNumQueries(4):
            response = self.search(q="migrants", kind="practice")
        self.assertEqual(response.context["results"].total, 3)
        self.assertEqual(
            sorted(self.titles(response)),
            [
                "3x1 Remittance Programme",
                "Capacitaciones para funcionarias municipales",
                "Supporting host communities for refugees",
            ],
        )

    def test_common_words_are_sampled_from_the_first_postings(self):
        """PostgreSQL: when the statistics say that the first postings hold the sample, they are read in
        order without the index, testing the chosen facet values in the row first; the results are the same
        as through the index."""
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        from django.test.utils import CaptureQueriesContext

        # A facet value that begins like another must not pass for it; the test of a row's facet values
        # relies on no facet name ending another.
        self.assertFalse([(a, b) for a in FACET_ORDER for b in FACET_ORDER if a != b and a.endswith(b)])
        make_practice("Migrants and the cost of sending money", topics=[make_topic("Remittances costs")])
        selections = [
            {"kind": "practice"},
            {"topic": "remittances"},
            {"topic": ["remittances", "social-inclusion"], "country": "cl"},
            {"q": "", "country": "cl"},  # facets without a query: no facet test, the full text is the facets
        ]
        for selection in selections:
            selection = {"q": "migrants", **selection}
            seen = {}
            for scan_rows in (0, 10_000):
                with (
                    # Statistics as ANALYZE would leave them (they are not transactional, so not run here).
                    mock.patch.object(engine, "_table_stats", return_value=(1000.0, 1, 1)),
                    mock.patch.object(engine, "SCAN_ROWS", scan_rows),
                    mock.patch.object(engine, "SCAN_COST", 0),
                    mock.patch.object(engine, "SCAN_FILTER_COST", 0),
                    mock.patch.object(engine, "SCAN_FACET_COST", 0),
                    mock.patch.object(engine, "SCAN_DENSE", 0),
                    mock.patch.object(engine, "FACET_SAMPLE", 2),
                    CaptureQueriesContext(connection) as queries,
                ):
                    engine.index_changed()
                    results = self.search(**selection).context["results"]
                seen[scan_rows] = (results.total, [d.heading for d in results.documents], results.facets)
                sql = [q["sql"] for q in queries.captured_queries]
                self.assertEqual(any("::tid" in q for q in sql), bool(scan_rows), selection)
                tested = bool(scan_rows and selection["q"])
                self.assertEqual(any("strpos(p.keys" in q for q in sql), tested, selection)
            self.assertEqual(seen[0], seen[10_000], selection)
            if selection == {"q": "migrants", "topic": "remittances"}:
                self.assertEqual(seen[0][:2], (1, ["3x1 Remittance Programme"]))
            if selection["q"] and "country" in selection:
                self.assertEqual(seen[0][0], 2)  # the two practices in Chile
        in_chile = Facet.objects.filter(name="country", value="cl").values("document").distinct().count()
        self.assertEqual(seen[0][0], in_chile)  # without a query: everything in Chile

    def test_samples_of_other_values_read_the_index_in_parts(self):
        """PostgreSQL: on a large table ``rebuild_search`` splits the body's index into parts by ranges of
        posting ids (the table's order after the rebuild); a sample of a chosen facet's other values reads
        them in order and stops when it has enough matches. The page, total and counts are the same as
        through the whole index."""
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        from django.test.utils import CaptureQueriesContext

        from .. import indexing

        for i in range(6):
            make_practice(f"Migrants welcome desk {i}", topics=[self.inclusion], country=self.chile)
        with mock.patch.object(indexing, "PART_ROWS", 3), mock.patch.object(indexing, "MAX_PARTS", 4):
            call_command("rebuild_search", stdout=io.StringIO())
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname, i.indisvalid, pg_get_expr(i.indpred, i.indrelid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname LIKE 'puente_search_posting_part%' "
                "ORDER BY 1"
            )
            found = cursor.fetchall()
        postings = list(Posting.objects.order_by("id").values_list("id", flat=True))
        self.assertEqual(
            [name for name, *_ in found], [f"puente_search_posting_part_{k:02d}" for k in range(4)]
        )
        self.assertTrue(all(valid for _, valid, _ in found))
        parts = engine._part_conditions("puente_search_posting")
        self.assertEqual(len(parts), 4)
        # Every posting in exactly one part, and the parts in id order of about equal size.
        with connection.cursor() as cursor:
            seen = []
            for part in parts:
                cursor.execute(f"SELECT p.id FROM puente_search_posting p WHERE {part} ORDER BY p.id")  # noqa: S608
                seen.append([pk for (pk,) in cursor.fetchall()])
        self.assertEqual([pk for ids in seen for pk in ids], postings)
        self.assertLessEqual(max(map(len, seen)) - min(map(len, seen)), 1)
        # A record published after the rebuild goes to the last part, which is open-ended.
        with self.captureOnCommitCallbacks(execute=True):
            late = make_practice(
                "Migrants welcome desk, opened late", topics=[self.inclusion], country=self.chile
            )
        late_id = Posting.objects.get(document__object_id=late.pk, document__kind="practice").pk
        with connection.cursor() as cursor:
            last = f"SELECT count(*) FROM puente_search_posting p WHERE p.id = %s AND {parts[-1]}"  # noqa: S608
            cursor.execute(last, [late_id])
            self.assertEqual(cursor.fetchone()[0], 1)

        selections = [
            {"q": "migrants", "topic": "social-inclusion", "country": "cl"},
            {"q": "migrants", "topic": ["social-inclusion", "remittances"]},
            {"q": "", "country": "cl", "kind": "practice"},
            {"q": "nothing-matches-this", "country": "cl"},
        ]
        for selection, main in [(s, size) for s in selections for size in (engine.FACET_SAMPLE, 2)]:
            seen = {}
            for with_parts in (False, True):
                conditions = parts if with_parts else []
                with (
                    mock.patch.object(engine, "_part_conditions", return_value=conditions),
                    # As if ANALYZE had run: the planner's estimates say the samples will be cut short.
                    mock.patch.object(
                        engine.PostgresMatcher, "_words_estimate", return_value=(1e6, 1, 1, 0.5)
                    ),
                    mock.patch.object(engine, "OTHER_VALUES_SAMPLE", 2),
                    # The main sample too (2): its head, the first page in index order, checked.
                    mock.patch.object(engine, "FACET_SAMPLE", main),
                    mock.patch.object(engine, "SCAN_ROWS", 0),  # through an index, not a scan
                    CaptureQueriesContext(connection) as queries,
                ):
                    engine.index_changed()
                    response = self.search(**selection)
                results = response.context["results"]
                seen[with_parts] = (
                    results.total,
                    self.titles(response),
                    results.facets,
                    results.approximate_facets,
                )
                in_parts = [q["sql"] for q in queries.captured_queries if "UNION ALL" in q["sql"]]
                # One per chosen facet and the main one (and "did you mean"'s check).
                self.assertEqual(bool(in_parts), with_parts, selection)
                self.assertGreaterEqual(len(in_parts), len(results.filters) if with_parts else 0, selection)
                checked = [q for q in queries.captured_queries if "p.ctid <= " in q["sql"]]
                truncated = main == 2 and results.total > 2 and bool(selection["q"])
                self.assertEqual(bool(checked), with_parts and truncated, selection)
            self.assertEqual(seen[False], seen[True], (selection, main))
            if selection["q"] == "migrants" and "country" in selection:
                self.assertIn("Migrants welcome desk, opened late", seen[True][1])
        # The head of a sample read from the parts is refused when a posting before its end has an id
        # above every id read (as one written since the rebuild into a gap of the first pages would).
        matcher = engine.PostgresMatcher(None)
        parsed = engine.parse("migrants")
        with (
            mock.patch.object(engine, "_part_conditions", return_value=parts),
            mock.patch.object(engine.PostgresMatcher, "_words_estimate", return_value=(1e6, 1, 1, 0.5)),
            mock.patch.object(engine, "SCAN_ROWS", 0),
            CaptureQueriesContext(connection) as queries,
        ):
            sample = matcher.sample(parsed, {}, None, 2, titles=True)
        self.assertFalse(sample.exact)
        union = next(q["sql"] for q in queries.captured_queries if "UNION ALL" in q["sql"])
        rows = engine._fetch(union.replace("%", "%%"), [])
        self.assertTrue(matcher._head_in_index_order(rows[:3], matcher._head(rows[:2])))
        lowered = [(*row[:6], min(r[6] for r in rows[:3]) - 1, *row[7:]) for row in rows[:3]]
        self.assertFalse(matcher._head_in_index_order(lowered, matcher._head(lowered[:2])))
        # A rebuild of a table too small for parts leaves none.
        call_command("rebuild_search", stdout=io.StringIO())
        self.assertEqual(engine._part_conditions("puente_search_posting"), [])

    def test_few_matches_are_ranked_in_the_sample(self):
        """PostgreSQL: when the planner expects no more matches than the sample holds, the sample ranks them
        as the ranking statement would, and the pages come from it (read by id, not searched again)."""
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        from django.test.utils import CaptureQueriesContext

        selections = [
            {"q": "migrants"},
            {"q": "migrants", "page": 2},
            {"q": "migrants", "country": "cl"},
            {"q": "migrants", "kind": "practice", "page": 2},
        ]
        self.search(q="migrants")  # warm the label cache
        for selection in selections:
            seen, statements = {}, {}
            for few in (True, False, None):  # None: as the planner's estimate says
                with ExitStack() as stack:
                    stack.enter_context(mock.patch.object(engine, "PAGE_SIZE", 2))
                    stack.enter_context(
                        mock.patch.object(engine, "_table_stats", return_value=(1000.0, 1, 1))
                    )
                    if few is not None:
                        stack.enter_context(
                            mock.patch.object(engine.PostgresMatcher, "_few_matches", return_value=few)
                        )
                    queries = stack.enter_context(CaptureQueriesContext(connection))
                    engine.index_changed()
                    results = self.search(**selection).context["results"]
                seen[few] = (results.total, results.page, [d.heading for d in results.documents])
                # (The table's statistics are read once a minute per process, by whichever search comes first.)
                statements[few] = [q["sql"] for q in queries.captured_queries if "pg_stats" not in q["sql"]]
            self.assertEqual(seen[True], seen[False], selection)
            self.assertEqual(seen[None], seen[False], selection)
            self.assertTrue(seen[True][2], selection)
            # Ranked in the sample: the page reads its documents by id, with no search of its own.
            self.assertEqual(len(statements[True]), len(statements[False]), selection)
            for few in (True, False):
                ranked = [sql for sql in statements[few] if "ts_rank" in sql]
                self.assertEqual(len(ranked), 1, selection)
                self.assertEqual(
                    "p.keys" in ranked[0], few, selection
                )  # the sample's statement, or the page's

    def test_topic_and_country_together_are_one_word_of_the_index(self):
        """Every document holds one reserved word per combination of its topics and countries, so choosing
        both is one list for the index to read; an index without those words (built before them: no marker
        in the vocabulary) is searched by the two facets' words, with the same results and counts."""
        from django.test.utils import CaptureQueriesContext

        pair = pair_token("topic", "social-inclusion", "country", "cl")
        topic, country = facet_token("topic", "social-inclusion"), facet_token("country", "cl")
        in_chile = [
            "Capacitaciones para funcionarias municipales",
            "Supporting host communities for refugees",
        ]
        selections = [
            ({"q": "migrants", "topic": "social-inclusion", "country": "cl"}, in_chile),
            ({"q": "", "topic": "social-inclusion", "country": "cl"}, in_chile),
            ({"q": "migrants", "topic": "social-inclusion", "country": "cl", "kind": "practice"}, in_chile),
            ({"q": "refugees", "topic": "social-inclusion", "country": "cl"}, in_chile[1:]),
            ({"q": "migrants", "topic": "remittances", "country": "cl"}, []),
            (
                {"q": "migrants", "topic": ["remittances", "social-inclusion"], "country": ["cl", "mx"]},
                ["3x1 Remittance Programme", *in_chile],
            ),
        ]
        for selection, expected in selections:
            seen = []
            for marked in (True, False):
                if not marked:
                    Term.objects.filter(word=PAIRS_MARKER).delete()
                engine.index_changed()
                with CaptureQueriesContext(connection) as queries:
                    response = self.search(**selection)
                sql = " ".join(q["sql"] for q in queries.captured_queries)
                results = response.context["results"]
                self.assertEqual(sorted(self.titles(response)), expected, selection)
                seen.append((results.total, results.facets))
                if selection["topic"] == "social-inclusion":
                    self.assertEqual(pair in sql, marked, selection)
                    # The samples of each chosen facet's other values still use the facet's own word.
                    self.assertEqual(topic in sql and country in sql, True, selection)
            self.assertEqual(seen[0], seen[1], selection)
            Term.objects.create(word=PAIRS_MARKER, length=len(PAIRS_MARKER))
        # More combinations than MAX_PAIR_WORDS: the two facets' words.
        engine.index_changed()
        with mock.patch.object(engine, "MAX_PAIR_WORDS", 1), CaptureQueriesContext(connection) as queries:
            response = self.search(q="migrants", topic=["remittances", "social-inclusion"], country="cl")
        self.assertEqual(sorted(self.titles(response)), in_chile)
        self.assertNotIn(pair, " ".join(q["sql"] for q in queries.captured_queries))

    def test_pair_words_follow_changes_to_a_record(self):
        self.assertEqual(self.search(topic="remittances", country="cl").context["results"].total, 0)
        with self.captureOnCommitCallbacks(execute=True):
            self.remit.country = self.chile
            self.remit.save()
        for selection, total in (({"country": "cl"}, 1), ({"country": "mx"}, 0)):
            response = self.search(q="remittance", topic="remittances", **selection)
            self.assertEqual(response.context["results"].total, total, selection)
        # A new index is marked as holding the pair words; a full rebuild marks an older one.
        self.assertTrue(Term.objects.filter(word=PAIRS_MARKER).exists())
        Term.objects.filter(word=PAIRS_MARKER).delete()
        call_command("rebuild_search", stdout=io.StringIO())
        self.assertTrue(Term.objects.filter(word=PAIRS_MARKER).exists())

    def test_cached_counts_follow_changes_to_the_index(self):
        self.assertEqual(self.search(q="returnees").context["results"].total, 0)
        make_practice("Seed funds for returnees", summary="Grants for returnees' businesses.")
        response = self.search(q="returnees")
        self.assertEqual(response.context["results"].total, 1)
        self.assertEqual(self.titles(response), ["Seed funds for returnees"])


class ServerResults:
    """Search results as a search server's Wagtail backend returns them (OpenSearch, Elasticsearch): sliced
    in the server's order, counted and iterated, with no database query to build on (``get_queryset``)."""

    def __init__(self, results):
        self.results = results

    def __getitem__(self, key):
        found = self.results[key]
        return ServerResults(found) if isinstance(key, slice) else found

    def __iter__(self):
        return iter(self.results)

    def count(self):
        return self.results.count()


class ServerBackend:
    """The database backend with its results reduced to a search server's (``ServerResults``): no server runs
    here, and Wagtail's backends share this API."""

    def __init__(self):
        from wagtail.search.backends import get_search_backend

        self.backend = get_search_backend()

    def search(self, *args, **kwargs):
        return ServerResults(self.backend.search(*args, **kwargs))

    def autocomplete(self, *args, **kwargs):
        return ServerResults(self.backend.autocomplete(*args, **kwargs))


class SearchServerTests(TestCase):
    """The matcher used with a search server (``engine.Matcher``): the query and the chosen facets are one
    full-text query that the backend ranks, filters and counts, and pages keep the backend's order."""

    @classmethod
    def setUpTestData(cls):
        SearchTests.setUpTestData.__func__(cls)

    def setUp(self):
        engine.index_changed()
        for name, value in (("get_matcher", engine.Matcher), ("get_search_backend", ServerBackend)):
            patcher = mock.patch.object(engine, name, value)
            patcher.start()
            self.addCleanup(patcher.stop)

    search = SearchTests.search
    titles = SearchTests.titles

    def facets(self, response):
        return {f["name"]: {v["value"]: v["count"] for v in f["values"]} for f in response.context["facets"]}

    def test_relevance_cross_lingual_queries_and_highlights(self):
        make_practice("Small business grants", summary="Grants for returnees and their families.")
        make_practice("Returnees reintegration desk", summary="A desk at the town hall.")
        # The title match first, though it was indexed last.
        self.assertEqual(
            self.titles(self.search(q="returnees")), ["Returnees reintegration desk", "Small business grants"]
        )
        # (How the facets' words weigh in the ranking is the backend's: compared as a set.)
        self.assertEqual(
            set(self.titles(self.search(q="returnees", kind="practice"))),
            {"Returnees reintegration desk", "Small business grants"},
        )
        self.assertEqual(self.titles(self.search(q="returnees", kind="resource")), [])
        for query in ("remesas", "transferts de fonds"):
            self.assertIn("3x1 Remittance Programme", self.titles(self.search(q=query)), query)
        self.assertContains(self.search(q="refugees"), "<mark>refugees</mark>")
        self.assertNotIn("Remittances draft never published", self.titles(self.search(q="remittances")))
        self.assertIn("3x1 Remittance Programme", self.titles(self.search(q="remitances")))  # a typo
        self.assertContains(self.client.get("/en/search/suggest/", {"q": "La Pint"}), "La Pintana")

    test_facets_combine_and_count_the_other_selections = (
        SearchTests.test_facets_combine_and_count_the_other_selections
    )

    def test_facets_alone(self):
        # No query: the chosen facets alone.
        response = self.search(country="cl", kind="practice")
        self.assertEqual(response.context["results"].total, 2)
        self.assertNotIn("3x1 Remittance Programme", self.titles(response))

    def test_counts_pages_and_date_order_beyond_the_sample(self):
        for i in range(25):
            # A record's own date (publication on Puente is not one).
            day = dt.date(2020, 1, 1) + dt.timedelta(days=i)
            make_practice(
                f"Welcome desk number {i}", summary="A welcome desk for newcomers.", submitted_on=day
            )
        with mock.patch.object(engine, "FACET_SAMPLE", 4):
            for sort in ("relevance", "date"):
                engine.index_changed()
                first = self.search(q="welcome desk", sort=sort)
                results = first.context["results"]
                # Counted by the backend, not estimated from the sample of four.
                self.assertEqual((results.total, results.approximate_total), (25, False))
                self.assertEqual(self.facets(first)["kind"], {"practice": 25})
                self.assertContains(first, 'rel="next"')
                second = self.search(q="welcome desk", sort=sort, page=2)
                every = self.titles(first) + self.titles(second)
                self.assertEqual(len(every), 25)
                self.assertEqual(len(set(every)), 25)
                dates = [d.date for d in results.documents + second.context["results"].documents]
                if sort == "date":
                    self.assertEqual(dates, sorted(dates, reverse=True))

    def test_bad_queries_give_a_normal_page(self):
        for query in BAD_QUERIES:
            response = self.search(q=query, kind="practice")
            self.assertEqual(response.status_code, 200, repr(query[:40]))


class RebuildTests(TestCase):
    """``rebuild_search`` takes shortcuts for speed (related records loaded in bulk, facet rows and PostgreSQL
    index entries written in one statement per batch): it must write exactly what indexing one record at a
    time writes through the ordinary ORM and Wagtail's own backend."""

    @classmethod
    def setUpTestData(cls):
        call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())

    def snapshot(self):
        from django.db import connection
        from wagtail.search.models import IndexEntry

        documents = {
            (d.kind, d.object_id): (
                d.heading,
                d.summary,
                d.text,
                d.text_stems,
                d.names,
                d.meta,
                d.language,
                d.date,
                d.facet_keys,
                d.heading_concepts,
                d.concepts,
                sorted(d.facets.values_list("name", "value")),
                d.posting.keys,
            )
            for d in Document.objects.prefetch_related("facets").select_related("posting")
        }
        keys = dict(Document.objects.values_list("pk", "kind"))
        objects = dict(Document.objects.values_list("pk", "object_id"))
        entries = {}
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                columns = "object_id, title::text, autocomplete::text, body::text, title_text, body_text"
                cursor.execute(f"SELECT {columns} FROM {IndexEntry._meta.db_table}")  # noqa: S608
                for object_id, *vectors in cursor.fetchall():
                    pk = int(object_id)
                    if pk in keys:
                        entries[(keys[pk], objects[pk])] = tuple(vectors)
        return documents, entries

    def test_rebuild_writes_what_indexing_one_record_at_a_time_writes(self):
        from .. import indexing
        from ..sources import SOURCES

        call_command("rebuild_search", stdout=io.StringIO())
        rebuilt = self.snapshot()
        self.assertEqual({kind for kind, _ in rebuilt[0]}, {s.kind.value for s in SOURCES})
        self.assertGreater(len(rebuilt[0]), 50)
        for source in SOURCES:
            for record in source.model_class.objects.all():
                indexing.index_object(record)
        self.assertEqual(self.snapshot(), rebuilt)


class ResultLineTests(TestCase):
    """A result's line under its title is in the reader's language, whatever language it was indexed in."""

    @classmethod
    def setUpTestData(cls):
        call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())
        make_resource("Reception toolkit for municipalities", kind="toolkit")
        call_command("rebuild_search", stdout=io.StringIO())

    def setUp(self):
        engine.index_changed()

    def line(self, language, title, **params):
        response = self.client.get(f"/{language}/search/", params)
        self.assertEqual(response.status_code, 200)
        documents = response.context["results"].documents
        found = [d for d in documents if d.heading == title]
        self.assertTrue(found, [d.heading for d in documents])
        self.assertContains(response, found[0].meta_label)
        return found[0].meta_label

    def test_labels_are_shown_in_the_readers_language(self):
        project = "Preserving the Figuig Palm for local economic development with the support of the Moroccan diaspora"
        cases = [
            ({"q": "Figuig palm", "kind": "project"}, project, ("Morocco", "Marruecos", "Maroc")),
            (
                {"q": "reception toolkit", "kind": "resource"},
                "Reception toolkit for municipalities",
                ("Toolkit or guide", "Caja de herramientas o guía", "Boîte à outils ou guide"),
            ),
            (
                {"q": "pintana", "kind": "organisation"},
                "Municipality of La Pintana",
                (
                    "Local or regional government",
                    "Gobierno local o regional",
                    "Collectivité locale ou régionale",
                ),
            ),
        ]
        for params, title, labels in cases:
            for language, label in zip(("en", "es", "fr"), labels, strict=True):
                with self.subTest(title=title, language=language):
                    self.assertEqual(self.line(language, title, **params), label)
        # Free text (a practice's place) is shown as it was written.
        self.assertEqual(self.line("es", "Le Maroc Vert", q="maroc vert", kind="practice"), "Morocco")


class CompactionTests(TransactionTestCase):
    def test_a_rebuild_leaves_the_postings_from_the_first_page(self):
        """PostgreSQL: the number of matches is estimated from how far into the postings table the sample
        reaches, so ``rebuild_search`` rewrites the table without the dead rows it leaves in front of the new
        postings (committed, as in production: a test transaction would keep them)."""
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        text = "Migrants find help here. " * 60  # rows of about 2 kB: several pages
        for i in range(24):
            make_practice(f"Migrants welcome desk {i}", summary=text)
        pages = (
            "SELECT min((ctid::text::point)[0]), max((ctid::text::point)[0]), "
            "pg_relation_size('puente_search_posting') / 8192 FROM puente_search_posting"
        )
        seen = {}
        for options in (["--no-compact"], [], [], []):
            # The rewrite keeps deleted rows that another session's snapshot may still see (an autovacuum
            # worker's ANALYZE of this busy test database): then the next rebuild is tried.
            if seen.get(False, (1,))[0] == 0:
                break
            time.sleep(0 if options else 1)
            call_command("rebuild_search", *options, stdout=io.StringIO())
            with connection.cursor() as cursor:
                cursor.execute(pages)
                seen[bool(options)] = cursor.fetchone()
        first, last, size = seen[True]
        self.assertGreater(first, 0)  # the new postings after the deleted ones
        first, last, size = seen[False]
        if first:
            # A transaction open elsewhere on the server since before the rebuild (a long import into another
            # database) keeps every row deleted after it began, so the rewrite must keep them too.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname <> current_database() "
                    "AND (backend_xmin IS NOT NULL OR backend_xid IS NOT NULL) "  # a snapshot, or writes
                    "AND xact_start < now() - interval '5 seconds'"
                )
                if cursor.fetchone()[0]:
                    self.skipTest("a long transaction in another database keeps the deleted rows")
        self.assertEqual((first, last + 1), (0, size))
        self.assertGreater(size, 1)
        # The index of adjacent word pairs was dropped for the rebuild and built again (concurrently).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('puente_search_posting_phrases')"
            )
            self.assertEqual(cursor.fetchall(), [(True,)])
        engine.index_changed()
        self.assertEqual(self.client.get("/en/search/", {"q": "migrants"}).context["results"].total, 24)


class ConcurrentSampleTests(TransactionTestCase):
    def test_samples_taken_at_once_find_what_samples_one_after_another_find(self):
        """PostgreSQL, outside a transaction: with SEARCH_PARALLEL, a search with chosen facets takes the
        samples of the chosen facets' other values on worker connections while it takes its main sample;
        the page, total and counts are the same as taking them one after the other."""
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        from django.test import override_settings
        from django.test.utils import CaptureQueriesContext

        chile, mexico = make_country("CL", "Chile"), make_country("MX", "Mexico")
        remittances, inclusion = make_topic("Remittances"), make_topic("Social Inclusion")
        for i in range(6):
            make_practice(f"Migrants welcome desk {i}", topics=[inclusion], country=chile)
            make_practice(f"Remittances for migrants {i}", topics=[remittances], country=mexico)
        make_practice("Local development with migrants", topics=[remittances], country=chile)
        self.addCleanup(engine.close_workers)
        selections = [
            {"q": "migrants", "topic": "remittances", "country": "cl"},
            {"q": "migrants", "topic": ["remittances", "social-inclusion"], "country": "mx"},
            {"q": '"local development"', "topic": "remittances", "kind": "practice"},
            {"q": "", "country": "cl", "kind": "practice"},
            {"q": "nothing-matches-this", "country": "cl"},
        ]
        for selection in selections:
            seen, here = [], {}
            for workers in (0, 2):
                engine.index_changed()
                with (
                    override_settings(SEARCH_PARALLEL=workers),
                    # Whatever statistics earlier tests left: no estimate, so no first page of title matches
                    # is found ahead (see the next test), only the samples run on the workers.
                    mock.patch.object(engine.PostgresMatcher, "_words_estimate", return_value=None),
                    CaptureQueriesContext(connection) as queries,
                ):
                    response = self.client.get("/en/search/", selection)
                results = response.context["results"]
                here[workers] = sum(
                    1 for q in queries.captured_queries if "puente_search_posting p" in q["sql"]
                )
                seen.append(
                    (results.total, self.titles(response), results.facets, results.approximate_facets)
                )
            self.assertEqual(seen[0], seen[1], selection)
            # The other values' samples ran on the workers' connections (one per chosen facet).
            self.assertEqual(here[0] - here[2], len(results.filters), selection)
        self.assertEqual(seen[0][0], 0)
        # Inside a transaction they run one after the other, on this connection (which sees its writes).
        from django.db import transaction

        with transaction.atomic(), override_settings(SEARCH_PARALLEL=2):
            make_practice("Migrants in a transaction", topics=[remittances], country=chile)
            engine.index_changed()
            response = self.client.get(
                "/en/search/", {"q": "transaction", "topic": "remittances", "country": "cl"}
            )
            self.assertEqual(self.titles(response), ["Migrants in a transaction"])
            transaction.set_rollback(True)

    def test_the_first_page_of_few_title_matches_is_found_with_the_samples(self):
        """PostgreSQL, outside a transaction: when the planner expects more matches than the sample holds but
        few title matches, the first page of the title matches (ranked) is found on a worker while the
        samples are taken; the page is the same as found after them, on the request's connection."""
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        from django.test import override_settings
        from django.test.utils import CaptureQueriesContext

        chile = make_country("CL", "Chile")
        for i in range(10):  # a third of the first matches (the sample's) match in their title
            make_practice(f"Reception point {i}", summary="An ombudsperson for newcomers.", country=chile)
            if i < 6:
                make_practice(f"Ombudsperson desk {i}", summary="Advice for newcomers.", country=chile)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE puente_search_posting")
        engine.forget_statistics()
        self.addCleanup(engine.forget_statistics)
        self.addCleanup(engine.close_workers)
        selections = [{"q": "ombudsperson"}, {"q": "ombudsperson", "country": "cl"}]
        # The 6 title matches ranked (RANK_ALL 8), or too many to rank (RANK_ALL 4, though the sample's
        # estimate may say otherwise): then what was found ahead is not used.
        for selection, rank_all in [(s, n) for s in selections for n in (8, 4)]:
            seen, ranked_here = [], []
            for workers in (0, 2):
                engine.index_changed()
                with (
                    override_settings(SEARCH_PARALLEL=workers),
                    mock.patch.object(engine, "FACET_SAMPLE", 3),  # 16 matches: a sample of the first 3
                    mock.patch.object(engine, "RANK_ALL", rank_all),
                    CaptureQueriesContext(connection) as queries,
                ):
                    response = self.client.get("/en/search/", selection)
                results = response.context["results"]
                seen.append((results.total, self.titles(response)))
                ranked_here.append(sum(1 for q in queries.captured_queries if "ts_rank" in q["sql"]))
            self.assertEqual(seen[0], seen[1], (selection, rank_all))
            self.assertEqual(sorted(seen[0][1][:6]), [f"Ombudsperson desk {i}" for i in range(6)])
            self.assertEqual(sorted(seen[0][1][6:]), [f"Reception point {i}" for i in range(10)])
            if rank_all == 8:
                # Ranked on this connection after the samples, or on a worker while they were taken.
                self.assertEqual(ranked_here, [1, 0], selection)

    def titles(self, response):
        return [d.heading for d in response.context["results"].documents]
