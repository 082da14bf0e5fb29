from puente.core.tests.base import DemoContentTestCase


class NewsPageTests(DemoContentTestCase):
    def test_news_index_lists_the_demo_item(self):
        response = self.client.get("/en/news/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, "Concept note: the MIRPS Working Group on Local Governance plans three virtual sessions"
        )

    def test_news_item_and_blog_index(self):
        response = self.client.get("/en/news/")
        from puente.news.models import NewsPage

        item = NewsPage.objects.live().first()
        self.assertEqual(self.client.get(item.url).status_code, 200)
        self.assertEqual(self.client.get("/en/blog/").status_code, 200)
        self.assertEqual(self.client.get("/en/news/?page=abc").status_code, 200)
        self.assertIsNotNone(response)
