"""Realistic synthetic records for benchmarks: practices (and organisations) in English, Spanish and French,
written from the glossary's vocabulary, with skewed tag distributions like real catalogues (a few topics and
countries carry most records). Deterministic for a given --seed. Needs the reference data (load_taxonomies).
"""

import datetime as dt
import random
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from puente.organizations.models import Organisation, OrganisationType
from puente.practices.models import Practice
from puente.search.glossary import load as load_glossary
from puente.taxonomy.models import (
    SDG,
    CLAObjective,
    Country,
    GCMObjective,
    SolidarityCriterion,
    TargetGroup,
    Topic,
)

TEMPLATES = {
    "en": [
        "{a} and {b} in {place}",
        "Improving {a} through {b}",
        "{place}: a local programme on {a}",
    ],
    "es": [
        "{a} y {b} en {place}",
        "Mejorar {a} mediante {b}",
        "{place}: un programa local de {a}",
    ],
    "fr": [
        "{a} et {b} à {place}",
        "Améliorer {a} grâce à {b}",
        "{place} : un programme local sur {a}",
    ],
}
SENTENCES = {
    "en": [
        "The municipality of {place} works with {a} to support {b}.",
        "Local authorities and civil society joined forces on {a}, with results for {b}.",
        "The project trained municipal staff on {a} and opened services for {b}.",
        "Lessons learned show that {a} needs sustained funding and coordination with {b}.",
    ],
    "es": [
        "El municipio de {place} trabaja en {a} para apoyar {b}.",
        "Las autoridades locales y la sociedad civil se unieron en torno a {a}, con resultados en {b}.",
        "El proyecto capacitó al personal municipal sobre {a} y abrió servicios de {b}.",
        "Las lecciones aprendidas muestran que {a} requiere financiamiento sostenido y coordinación con {b}.",
    ],
    "fr": [
        "La municipalité de {place} travaille sur {a} pour soutenir {b}.",
        "Les autorités locales et la société civile se sont associées autour de {a}, avec des résultats pour {b}.",
        "Le projet a formé le personnel municipal à {a} et ouvert des services de {b}.",
        "Les leçons apprises montrent que {a} exige un financement durable et une coordination avec {b}.",
    ],
}
PLACES = [
    "Quito",
    "Lima",
    "Tunis",
    "Dakar",
    "Manila",
    "San Salvador",
    "Bogotá",
    "Montevideo",
    "Rabat",
    "Accra",
    "Guatemala City",
    "Tegucigalpa",
    "Cúcuta",
    "Tijuana",
    "Braga",
    "Lyon",
    "Dortmund",
    "Kampala",
    "Nairobi",
    "Kathmandu",
    "Izmir",
    "Amman",
    "Beirut",
    "São Paulo",
    "Santiago",
    "La Paz",
    "Asunción",
    "Abidjan",
]


def zipf_choice(rng, items, s=1.1):
    weights = [1 / (rank**s) for rank in range(1, len(items) + 1)]
    return rng.choices(items, weights=weights, k=1)[0]


class Command(BaseCommand):
    help = "Generate synthetic practices and organisations for benchmarks (then run rebuild_search)."

    def add_arguments(self, parser):
        parser.add_argument("--practices", type=int, default=1000)
        parser.add_argument("--organisations", type=int, default=None, help="default: practices / 20")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, practices, organisations, seed, batch_size, **options):
        started = time.monotonic()
        rng = random.Random(seed)
        concepts = load_glossary().concepts
        topics = list(Topic.objects.order_by("pk"))
        countries = list(Country.objects.order_by("pk"))
        rng.shuffle(countries)
        sdgs = list(SDG.objects.all())
        gcm = list(GCMObjective.objects.all())
        cla = list(CLAObjective.objects.all())
        criteria = list(SolidarityCriterion.objects.all())
        targets = list(TargetGroup.objects.all())
        if not topics or not countries:
            self.stderr.write("Load the reference data first: manage.py load_taxonomies")
            return
        organisations = organisations if organisations is not None else max(1, practices // 20)
        existing = Practice.objects.filter(slug__startswith="synthetic-").count()
        orgs = self._organisations(rng, organisations, countries)
        through = {
            name: getattr(Practice, name).through
            for name in (
                "topics",
                "sdgs",
                "gcm_objectives",
                "cla_objectives",
                "criteria",
                "target_groups",
                "countries",
                "organisations",
            )
        }
        now = timezone.now()
        made = 0
        while made < practices:
            size = min(batch_size, practices - made)
            rows, tags = [], []
            for i in range(size):
                n = existing + made + i
                language = rng.choices(["en", "es", "fr"], weights=[5, 3, 2])[0]
                a, b = rng.sample(concepts, 2)
                place = rng.choice(PLACES)
                words = {
                    "a": rng.choice(a.terms[language]),
                    "b": rng.choice(b.terms[language]),
                    "place": place,
                }
                title = rng.choice(TEMPLATES[language]).format(**words)
                sentences = []
                for _ in range(rng.randint(3, 6)):
                    c, d = rng.sample(concepts, 2)
                    sentences.append(
                        rng.choice(SENTENCES[language]).format(
                            a=rng.choice(c.terms[language]), b=rng.choice(d.terms[language]), place=place
                        )
                    )
                country = zipf_choice(rng, countries[:60])
                day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3800))
                rows.append(
                    Practice(
                        title=title[:255][0].upper() + title[:255][1:],
                        slug=f"synthetic-{n}",
                        summary=" ".join(sentences[:2]),
                        body="".join(f"<p>{s}</p>" for s in sentences[2:]),
                        language=language,
                        place=place,
                        country=country,
                        submitted_on=day,
                        live=True,
                        first_published_at=now,
                        last_published_at=now,
                    )
                )
                tags.append(
                    {
                        "topics": {zipf_choice(rng, topics) for _ in range(rng.randint(1, 3))},
                        "sdgs": set(rng.sample(sdgs, rng.randint(1, 3))) if sdgs else set(),
                        "gcm_objectives": set(rng.sample(gcm, rng.randint(0, 2))) if gcm else set(),
                        "cla_objectives": set(rng.sample(cla, rng.randint(0, 1))) if cla else set(),
                        "criteria": set(rng.sample(criteria, rng.randint(0, 2))) if criteria else set(),
                        "target_groups": set(rng.sample(targets, rng.randint(1, 2))) if targets else set(),
                        "countries": {country},
                        "organisations": {rng.choice(orgs)} if orgs else set(),
                    }
                )
            with transaction.atomic():
                created = Practice.objects.bulk_create(rows)
                if created[0].pk is None:
                    ids = dict(
                        Practice.objects.filter(slug__in=[p.slug for p in rows]).values_list("slug", "pk")
                    )
                    for practice in created:
                        practice.pk = ids[practice.slug]
                for name, model in through.items():
                    column = next(
                        f.attname for f in model._meta.get_fields() if f.is_relation and f.name != "practice"
                    )
                    model.objects.bulk_create(
                        [
                            model(practice_id=p.pk, **{column: item.pk})
                            for p, t in zip(created, tags, strict=True)
                            for item in t[name]
                        ],
                        batch_size=5000,
                    )
            made += size
            self.stdout.write(f"\r{made}/{practices} practices", ending="")
        self.stdout.write("")
        self.stdout.write(
            f"Generated {practices} practices and {len(orgs)} organisations in {time.monotonic() - started:.1f} s."
        )

    def _organisations(self, rng, count, countries):
        existing = Organisation.objects.filter(slug__startswith="synthetic-org-").count()
        kinds = [OrganisationType.LOCAL_GOVERNMENT] * 6 + [
            k for k in OrganisationType.values if k != OrganisationType.LOCAL_GOVERNMENT
        ]
        rows = []
        for i in range(count):
            place = rng.choice(PLACES)
            kind = rng.choice(kinds)
            prefix = {
                "local": "Municipality of",
                "civil": "Association for migrants in",
                "diaspora": "Diaspora network of",
            }.get(kind, "Office in")
            rows.append(
                Organisation(
                    name=f"{prefix} {place} {existing + i + 1}",
                    slug=f"synthetic-org-{existing + i + 1}",
                    kind=kind,
                    country=zipf_choice(rng, countries[:60]),
                    city=place,
                    is_verified=True,
                )
            )
        Organisation.objects.bulk_create(rows, batch_size=2000)
        return list(Organisation.objects.filter(slug__startswith="synthetic-org-"))
