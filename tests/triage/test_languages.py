"""Russian and English everywhere the bot writes: the console, Slack and the command line.

The language comes from the text, then the Slack locale, then ACRBOT_DEFAULT_LANGUAGE; the
console and the command line take --lang. None of these tests reaches Azure: bad input and
refusals are answered before any call (Azure's own errors in Russian: tests/azure).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import console
from bot.config import Settings
from bot.services import Services, build_services
from bot.store import MemoryStore
from tests.fakes.local_bot import LocalBot, ack_call, local_bot
from tests.fakes.running_bot import usable_knowledge_dir
from tests.fakes.slack_api import Call, FakeSlackAPI
from tests.slack import payloads as p
from tests.triage.test_cli import acrbot, without_slack_settings

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
# what the four answers the issue names say, in Russian (and never their English)
RUSSIAN = {
    "/acr help": "вставьте ошибку ACR, и я отвечу в треде",
    "/acr usage": "Какой реестр? Как вызывать: `/acr usage <registry> [--refresh]`",
    "/acr usage bad_name!": "`bad_name!` — не имя реестра. Имя реестра — от 5 до 50",
    "/acr cancel-runs x": "`x` — не имя реестра",
}
ENGLISH = ("paste an ACR error", "Which registry?", "is not a registry name", "Usage:")
QUOTA_TITLE_RU = "Квота хранилища не уменьшается"


@pytest.fixture(scope="module")
def russian_console() -> Services:
    return build_services(Settings(default_language="ru"), MemoryStore())


@pytest.mark.parametrize("typed", list(RUSSIAN))
def test_console_answers_in_the_default_language(russian_console: Services, typed: str) -> None:
    """ACRBOT_DEFAULT_LANGUAGE=ru: help, a missing registry, a bad name, cancel-runs — Russian."""
    answer = console.respond(russian_console, typed)
    assert RUSSIAN[typed] in answer
    assert not any(english in answer for english in ENGLISH)


def test_console_refusal_is_russian() -> None:
    """A registry the bot is not set up for is refused in Russian (before any Azure call)."""
    settings = Settings(default_language="ru", allowed_registries=("contosoprod",))
    answer = console.respond(build_services(settings, MemoryStore()), "/acr cancel-runs fabrikam")
    assert answer.startswith("Бот не настроен на работу с реестром `fabrikam`")
    assert "contosoprod" in answer


def test_console_takes_the_language_of_the_text_then_lang() -> None:
    """Russian words ask in Russian even when the default is English; --lang wins over both."""
    services = build_services(Settings(default_language="en"), MemoryStore())
    assert QUOTA_TITLE_RU in console.respond(services, "/acr faq квота")
    assert "Unknown subcommand" in console.respond(services, "/acr hlep")
    assert "Неизвестная подкоманда" in console.respond(services, "/acr hlep", "ru")
    english = console.respond(services, "/acr faq квота", "en")
    assert QUOTA_TITLE_RU not in english and "Storage quota" in english


def test_console_banner_and_answers_follow_lang() -> None:
    """On a terminal the banner is in the console's language, like every answer after it."""

    class Typed(io.StringIO):
        def isatty(self) -> bool:
            return True

    services = build_services(Settings(), MemoryStore())
    out = io.StringIO()
    console.run(services, Typed("/acr usage bad_name!\n"), out, lang="ru")
    assert out.getvalue().startswith("Консоль acr-chatops.")
    assert "— не имя реестра" in out.getvalue()


def test_acrbot_console_process_answers_in_russian(tmp_path: Path) -> None:
    """`ACRBOT_DEFAULT_LANGUAGE=ru acrbot console`, the four lines typed: four Russian answers."""
    env = {**without_slack_settings(), "ACRBOT_DEFAULT_LANGUAGE": "ru"}
    env.pop("REDIS_URL", None)
    done = acrbot("console", stdin="\n".join(RUSSIAN) + "\n", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    answers = [a.strip() for a in done.stdout.split("—" * 40) if a.strip()]
    assert len(answers) == len(RUSSIAN)
    for answer, expected in zip(answers, RUSSIAN.values(), strict=True):
        assert expected in answer
    assert done.stderr == ""


@pytest.mark.parametrize("where", [(), ("--lang", "ru")])
def test_command_line_errors_follow_lang_but_json_stays_the_contract(
    tmp_path: Path, where: tuple[str, ...]
) -> None:
    """`acrbot usage bad_name! --lang ru`: one Russian sentence; with --json the error object
    is the same as in English whatever the language (a contract for tools)."""
    env = {**without_slack_settings(), "ACRBOT_DEFAULT_LANGUAGE": "ru" if not where else "en"}
    text = acrbot("usage", "bad_name!", *where, cwd=tmp_path, env=env)
    assert text.returncode == 1 and text.stdout == ""
    assert text.stderr.startswith("acrbot: `bad_name!` — не имя реестра")
    as_json = acrbot("usage", "bad_name!", "--json", *where, cwd=tmp_path, env=env)
    english = acrbot("usage", "bad_name!", "--json", "--lang", "en", cwd=tmp_path, env=env)
    assert as_json.returncode == english.returncode == 1
    assert json.loads(as_json.stdout) == json.loads(english.stdout)
    assert "is not a registry name" in json.loads(as_json.stdout)["error"]["message"]


# --- Slack, in this process ------------------------------------------------------------------


@pytest.fixture(scope="module")
def slack() -> Iterator[FakeSlackAPI]:
    api = FakeSlackAPI().start()
    api.locales[GERMAN_USER] = "de-DE"
    yield api
    api.close()


def _bot(slack: FakeSlackAPI, knowledge: Path, language: str) -> LocalBot:
    return local_bot(
        slack,
        knowledge_dir=knowledge,
        extra={"ACRBOT_DEFAULT_LANGUAGE": language, "ACRBOT_ADMINS": "U0ADMIN001"},
    )


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return usable_knowledge_dir(tmp_path_factory.mktemp("knowledge"))


@pytest.fixture(scope="module")
def russian_bot(slack: FakeSlackAPI, knowledge: Path) -> Iterator[LocalBot]:
    bot = _bot(slack, knowledge, "ru")
    yield bot
    bot.close()


@pytest.fixture(scope="module")
def english_bot(slack: FakeSlackAPI, knowledge: Path) -> Iterator[LocalBot]:
    bot = _bot(slack, knowledge, "en")
    yield bot
    bot.close()


GERMAN_USER = "U0GERMAN01"  # Slack says de-DE: a language the bot does not speak


def command(bot: LocalBot, text: str, user: str = GERMAN_USER) -> Call:
    """`/acr <text>`: the answer in the acknowledgement, or later through response_url."""
    hook = bot.slack.hook_url()
    response = bot.command(p.command_form(text, response_url=hook, user=user))
    assert response.status == 200
    return ack_call(response) if response.body else bot.hook(hook)


@pytest.mark.parametrize("typed", list(RUSSIAN))
def test_slack_answers_in_the_default_language(russian_bot: LocalBot, typed: str) -> None:
    """ACRBOT_DEFAULT_LANGUAGE=ru, a user whose Slack locale the bot does not speak: Russian."""
    answer = command(russian_bot, typed.removeprefix("/acr "))
    text = f"{answer.params.get('text', '')}\n{answer.block_text()}"
    assert RUSSIAN[typed] in text
    assert not any(english in text for english in ENGLISH)


def test_slack_refusal_is_russian(russian_bot: LocalBot) -> None:
    """cancel-runs by someone not on the admin list: refused, in Russian, before any Azure call."""
    answer = command(russian_bot, "cancel-runs contosoprod")
    assert "доступна только людям и группам из списка администраторов" in answer.params["text"]


def test_slack_follows_the_users_locale_over_the_default(english_bot: LocalBot) -> None:
    """A ru-RU user of an English-speaking bot reads Russian; Russian words do too."""
    user = "U0RUSSIAN1"
    english_bot.slack.locales[user] = "ru-RU"
    answer = command(english_bot, "usage bad_name!", user=user)
    assert "— не имя реестра" in answer.params["text"]
    assert "is not a registry name" in command(english_bot, "usage bad_name!").params["text"]
    english_user = command(english_bot, "usage bad_name!", user="U0ENGLISH1")  # en-US
    assert "is not a registry name" in english_user.params["text"]
    faq = command(english_bot, "faq квота").block_text()
    assert QUOTA_TITLE_RU in faq and CYRILLIC.search(faq)


@pytest.mark.parametrize(
    ("typed", "russian"),
    [
        ("/acr inspect contosoprod", "`contosoprod` — не образ. Укажите его в виде"),
        ("/acr inspect contosoprod.azurecr.io/Api:1", "Имена репозиториев пишутся строчными"),
        ("/acr inspect contosoprod.azurecr.io/api@sha256:12", "— не дайджест"),
        ("/acr untagged bad_name!", "`bad_name!` — не имя реестра"),
    ],
)
def test_image_arguments_are_explained_in_russian(
    russian_console: Services, typed: str, russian: str
) -> None:
    """The image commands' bad arguments come from the same catalogue (before any Azure call)."""
    answer = console.respond(russian_console, typed)
    assert russian in answer and " or " not in answer
