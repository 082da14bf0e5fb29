from puente.core.tests.base import DemoContentTestCase
from puente.groups.models import WorkingGroup

MIRPS = "MIRPS Working Group on Local Governance"


class GroupPageTests(DemoContentTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.group = WorkingGroup.objects.get(name=MIRPS)

    def test_it_shows_members_by_country_presidency_and_objectives(self):
        response = self.client.get(self.group.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        for name in [
            "Upala",
            "Los Chiles",
            "Esquipulas",
            "Izabal",
            "Choloma",
            "San Pedro Sula",
            "Tegucigalpa",
            "La Chorrera",
            "Panama City",
        ]:
            self.assertContains(response, name)
        for country in ["Costa Rica", "Guatemala", "Honduras", "Panama"]:
            self.assertContains(response, country)
        self.assertContains(response, "MIRPS Technical Secretariat")
        self.assertContains(response, "2022")

    def test_it_shows_three_sessions_with_full_agendas(self):
        html = self.client.get(self.group.get_absolute_url()).content.decode()
        for text in [
            "Global Initiatives and Frameworks on Local Governance",
            "Cities of Solidarity",
            "Roles of regional and international organizations",
            "Global Fund for Cities Development",
            "Methodology for the Group Session",
            "Group 2 - Environment for Public Administration and Public Policies",
            "Study &quot;Reception and integration of migrants and refugees in cities of the Americas&quot;",
            "IADB (TBC)",
            "OAS",
        ]:
            self.assertIn(text, html)

    def test_it_flags_the_seed_agenda_item_whose_times_and_duration_disagree(self):
        response = self.client.get(self.group.get_absolute_url())
        self.assertContains(response, "The time range and the duration do not match", count=1)

    def test_group_list(self):
        self.assertContains(self.client.get("/en/groups/"), MIRPS)

    def test_query_count(self):
        url = self.group.get_absolute_url()
        self.client.get(url)
        with self.assertNumQueries(GROUP_DETAIL_QUERIES):
            self.client.get(url)


GROUP_DETAIL_QUERIES = 10
