"""The bot in HTTP mode, in this process: signed requests through Bolt's dispatch, what Slack
would receive out (the fake Slack Web API records every call and response_url post)."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from bot.render.blocks import run_request
from tests.fakes.local_bot import LocalBot, ack_call
from tests.fakes.slack_api import Call
from tests.shared_redis import prefix_keys
from tests.slack import payloads as p

CYRILLIC = re.compile("[а-яА-Я]")


def send_event(bot: LocalBot, body: dict[str, Any], retry: int = 0) -> int:
    return bot.event(body, retry)


def send_command(
    bot: LocalBot, text: str, channel: str = "C0ACRHELP1", user: str = "U0ALICE001"
) -> Call:
    """Run `/acr <text>`; the answer comes in the ack body or, later, through response_url."""
    hook = bot.slack.hook_url()
    response = bot.command(p.command_form(text, response_url=hook, channel=channel, user=user))
    assert response.status == 200
    if response.body:
        return ack_call(response)
    return bot.hook(hook)


def send_click(bot: LocalBot, payload: dict[str, Any]) -> None:
    assert bot.click(payload) == 200


def click_private(bot: LocalBot, button: dict[str, Any], channel: str = "C0ACRHELP1") -> Call:
    """Click ``button`` on a private (ephemeral) message; return what came to its response_url."""
    hook = bot.slack.hook_url()
    payload = p.click(
        button, channel=channel, message_ts="1", thread_ts=None, response_url=hook, ephemeral=True
    )
    send_click(bot, payload)
    return bot.hook(hook)


def replies(bot: LocalBot, channel: str) -> list[Call]:
    """What the bot posted in ``channel`` once its handed-off work is done."""
    bot.idle()
    return bot.slack.find("chat.postMessage", channel=channel)


def ephemerals(bot: LocalBot, channel: str) -> list[Call]:
    bot.idle()
    return bot.slack.find("chat.postEphemeral", channel=channel)


def prefix(bot: LocalBot) -> str:
    return bot.services.settings.redis_prefix


def test_confident_paste_gets_one_threaded_answer_with_buttons(http_bot: LocalBot) -> None:
    """A firewall error pasted in a channel: one Block Kit answer in its thread, with buttons."""
    channel = p.new_channel()
    body = p.message_event(p.FIREWALL_PASTE, channel=channel)
    assert send_event(http_bot, body) == 200
    reply = replies(http_bot, channel)[0]
    assert reply.params["thread_ts"] == body["event"]["ts"]
    blocks = reply.blocks
    assert blocks[0]["type"] == "header"
    assert "firewall" in blocks[0]["text"]["text"].lower()
    text = reply.block_text()
    assert "```" in text and "az acr network-rule add --name contosoprod" in text
    assert "--ip-address 203.0.113.7" in text  # the address the paste names, in the command
    assert "`az acr show --name contosoprod --query networkRuleSet`" in text  # and in a step
    assert "<registry>" not in text.split("Matched on")[0]
    assert "Matched on" in text and p.FIREWALL_TOPIC in text
    labels = [b["text"]["text"] for b in reply.buttons()]
    assert labels[:2] == ["Helped", "Not it"]
    run = [b for b in reply.buttons() if b["action_id"] == "acr_run_command"]
    assert run_request(json.loads(run[0]["value"])) == "check-health contosoprod"
    http_bot.idle()
    assert len(replies(http_bot, channel)) == 1


def test_russian_question_is_answered_in_russian(http_bot: LocalBot) -> None:
    """A question written in Russian gets the Russian answer, whatever the user's locale."""
    channel = p.new_channel()
    send_event(http_bot, p.message_event(p.RUSSIAN_QUESTION, channel=channel))
    reply = replies(http_bot, channel)[0]
    assert "Причина" in reply.block_text()
    assert [b["text"]["text"] for b in reply.buttons()][:2] == ["Помогло", "Не то"]
    # a question contains no signature: the answer names its topic, not a "match" it lacks
    assert "Совпало с" not in reply.block_text() and "Тема `" in reply.block_text()
    assert "--name <registry>" in reply.block_text()  # no registry named: none invented


def test_paste_follows_the_users_slack_locale_and_caches_it(http_bot: LocalBot) -> None:
    """An English error pasted by a ru-RU user is answered in Russian; users.info is asked once."""
    channel = p.new_channel()
    user = "U0RU" + p.new_channel()[1:7]
    http_bot.slack.locales[user] = "ru-RU"
    for _ in range(2):
        send_event(http_bot, p.message_event(p.FIREWALL_PASTE, channel=channel, user=user))
        channel_replies = replies(http_bot, channel)
        channel = p.new_channel()
    assert "Причина" in channel_replies[0].block_text()
    assert len(http_bot.slack.find("users.info", user=user)) == 1


def test_unknown_text_is_silent_in_a_channel(http_bot: LocalBot) -> None:
    """Chatter with no confident match gets no reply in a channel."""
    channel = p.new_channel()
    assert send_event(http_bot, p.message_event(p.UNKNOWN_TEXT, channel=channel)) == 200
    http_bot.idle()
    assert http_bot.events("triage.decided", channel=channel, outcome="silent")
    http_bot.idle()
    assert replies(http_bot, channel) == []


def test_unknown_text_in_a_direct_message_says_no_known_answer(http_bot: LocalBot) -> None:
    """In a DM the bot admits it has no answer and points to /acr faq."""
    channel = "D" + p.new_channel()[1:]
    send_event(http_bot, p.message_event(p.UNKNOWN_TEXT, channel=channel, channel_type="im"))
    reply = replies(http_bot, channel)[0]
    assert "No known answer" in reply.block_text()
    assert "/acr faq" in reply.block_text()


def test_message_and_mention_of_one_paste_answer_once(http_bot: LocalBot) -> None:
    """The same paste delivered as `message` and as `app_mention` gets exactly one reply."""
    channel = p.new_channel()
    ts = p.new_ts()
    text = f"<@U0ACRBOT01> {p.FIREWALL_PASTE}"
    send_event(http_bot, p.message_event(text, channel=channel, ts=ts))
    send_event(http_bot, p.mention_event(p.FIREWALL_PASTE, channel=channel, ts=ts))
    http_bot.idle()
    http_bot.idle()
    assert len(replies(http_bot, channel)) == 1


def test_unknown_mention_gets_closest_topics(http_bot: LocalBot) -> None:
    """A mention with no confident match is answered with the closest topics, in the thread."""
    channel = p.new_channel()
    ts = p.new_ts()
    send_event(http_bot, p.message_event(f"<@U0ACRBOT01> {p.UNKNOWN_TEXT}", channel=channel, ts=ts))
    send_event(http_bot, p.mention_event(p.UNKNOWN_TEXT, channel=channel, ts=ts))
    reply = replies(http_bot, channel)[0]
    assert reply.params["thread_ts"] == ts
    assert "No known answer" in reply.block_text()
    http_bot.idle()
    assert len(replies(http_bot, channel)) == 1


def test_slack_retries_never_produce_a_second_reply(http_bot: LocalBot) -> None:
    """One event delivered four times (X-Slack-Retry-Num 1..3) is answered once."""
    channel = p.new_channel()
    body = p.message_event(p.FIREWALL_PASTE, channel=channel)
    for retry in range(4):
        assert send_event(http_bot, body, retry=retry) == 200
    http_bot.idle()
    http_bot.idle()
    assert len(replies(http_bot, channel)) == 1


@pytest.mark.parametrize("kind", ["own", "other_bot", "edited", "deleted"])
def test_bots_edits_and_deletions_get_no_answer(http_bot: LocalBot, kind: str) -> None:
    """The bot's own posts, other bots, edits and deletions are acknowledged and ignored."""
    channel = p.new_channel()
    body = {
        "own": p.own_reply_event,
        "other_bot": p.other_bot_event,
        "edited": p.changed_event,
        "deleted": p.deleted_event,
    }[kind](channel)
    assert send_event(http_bot, body) == 200
    http_bot.idle()
    assert replies(http_bot, channel) == []


def test_thread_reply_is_answered_in_that_thread(http_bot: LocalBot) -> None:
    """A paste inside a thread gets its answer in the same thread."""
    channel = p.new_channel()
    parent = p.new_ts()
    send_event(http_bot, p.message_event(p.FIREWALL_PASTE, channel=channel, thread_ts=parent))
    reply = replies(http_bot, channel)[0]
    assert reply.params["thread_ts"] == parent


def test_same_topic_again_links_to_the_earlier_answer(http_bot: LocalBot) -> None:
    """Within the repeat window, the same topic in the same channel links to the first answer."""
    channel = p.new_channel()
    first = p.message_event(p.FIREWALL_PASTE, channel=channel)
    send_event(http_bot, first)
    http_bot.idle()
    send_event(http_bot, p.message_event(p.FIREWALL_PASTE.replace("7", "9"), channel=channel))
    second = replies(http_bot, channel)[1]
    assert "Same as the earlier answer" in second.block_text()
    assert f"/archives/{channel}/p{first['event']['ts'].replace('.', '')}" in second.block_text()
    assert not second.buttons()
    other = p.new_channel()
    send_event(http_bot, p.message_event(p.FIREWALL_PASTE, channel=other))
    full = replies(http_bot, other)[0]
    assert full.blocks[0]["type"] == "header"


def test_rate_limited_reply_waits_and_is_still_posted(http_bot: LocalBot) -> None:
    """Slack answering 429 with Retry-After: the reply is retried after the wait, not dropped."""
    channel = p.new_channel()
    http_bot.slack.fail_next("chat.postMessage", status=429, retry_after=1)
    send_event(http_bot, p.message_event(p.FIREWALL_PASTE, channel=channel))
    calls = replies(http_bot, channel)
    assert len(calls) == 2
    assert calls[1].at - calls[0].at >= 0.9
    assert calls[1].params["thread_ts"] == calls[0].params["thread_ts"]


def test_unreachable_slack_loses_no_reply_it_is_posted_later_once(http_bot: LocalBot) -> None:
    """Slack unreachable through the connection retry: the reply is kept, posted once after
    the backoff, and Slack's redelivery of the event changes nothing."""
    channel = p.new_channel()
    for _ in range(2):  # the first try and the connection retry find no answer
        http_bot.slack.fail_next("chat.postMessage", status=0)
    body = p.message_event(p.FIREWALL_PASTE, channel=channel)
    send_event(http_bot, body)
    http_bot.idle()
    (kept,) = http_bot.events("reply.kept", channel=channel)
    assert kept["error"] == "RemoteDisconnected"
    assert send_event(http_bot, body, retry=1) == 200
    http_bot.idle()
    assert http_bot.services.jobs.sweep() == 0  # not due before its backoff
    http_bot.clock.advance(5)
    assert http_bot.services.jobs.sweep() == 1
    http_bot.idle()
    calls = http_bot.slack.find("chat.postMessage", channel=channel)
    assert [c.answered for c in calls] == [0, 0, 200]
    assert calls[-1].params["thread_ts"] == body["event"]["ts"]
    assert calls[-1].params["blocks"] == calls[0].params["blocks"]
    http_bot.clock.advance(600)
    http_bot.services.jobs.sweep()
    http_bot.idle()
    assert len(http_bot.slack.find("chat.postMessage", channel=channel)) == 3


def test_help_is_private_and_lists_every_subcommand(http_bot: LocalBot) -> None:
    """`/acr help` answers only the caller, listing every subcommand with its usage."""
    answer = send_command(http_bot, "help")
    assert answer.params["response_type"] == "ephemeral"
    text = answer.block_text()
    for usage in ("/acr faq <words>", "/acr usage <registry>", "/acr cancel-runs <registry>"):
        assert usage in text
    assert "Redis" not in text


def test_a_burst_of_help_looks_the_locale_up_once_then_answers_in_it(http_bot: LocalBot) -> None:
    """Twenty quick `/acr help` from a ru-RU user: one users.info call, then Russian help."""
    user = "U0RU" + p.new_channel()[1:7]
    http_bot.slack.locales[user] = "ru-RU"
    http_bot.slack.delay["users.info"] = 0.3  # the lookup is still under way for the burst
    try:
        with ThreadPoolExecutor(10) as pool:
            list(pool.map(lambda _: send_command(http_bot, "help", user=user), range(20)))
        http_bot.idle()
    finally:
        del http_bot.slack.delay["users.info"]
    assert len(http_bot.slack.find("users.info", user=user)) == 1
    assert CYRILLIC.search(send_command(http_bot, "help", user=user).block_text())


@pytest.mark.parametrize("typed", ["", "hlep"])
def test_empty_or_unknown_subcommand_shows_help(http_bot: LocalBot, typed: str) -> None:
    """`/acr` alone shows help; a typo shows help with "did you mean"."""
    text = send_command(http_bot, typed).block_text()
    assert "/acr faq <words>" in text
    if typed:
        assert "Did you mean `/acr help`?" in text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("faq", "Usage: `/acr faq <words>`"),
        ('faq "unbalanced', "Unbalanced quotes"),
        ("runs", "Which registry?"),
        ("runs contosoprod --top lots", "`--top` takes a whole number"),
    ],
)
def test_bad_input_gets_a_usage_message(http_bot: LocalBot, typed: str, expected: str) -> None:
    """Malformed subcommands get a clear, private usage message, never a stack trace."""
    answer = send_command(http_bot, typed)
    assert expected in answer.params["text"]
    assert "Traceback" not in answer.params["text"]


def test_faq_lists_topics_and_shows_and_shares_one(http_bot: LocalBot) -> None:
    """`/acr faq firewall ip`: topics with Show buttons; Show is private, Share posts it."""
    answer = send_command(http_bot, "faq firewall ip address")
    shows = [b for b in answer.buttons() if b["action_id"] == "faq_show"]
    assert shows and answer.params["response_type"] == "ephemeral"
    assert p.FIREWALL_TOPIC in [json.loads(b["value"])["t"] for b in shows]
    button = next(b for b in shows if json.loads(b["value"])["t"] == p.FIREWALL_TOPIC)
    shown = click_private(http_bot, button)
    assert shown.params["response_type"] == "ephemeral"
    share = next(b for b in shown.buttons() if b["action_id"] == "share_topic")
    shared = click_private(http_bot, share)
    assert shared.params["response_type"] == "in_channel"
    assert "firewall" in shared.block_text().lower()


def test_helped_is_counted_once_per_person(http_bot: LocalBot) -> None:
    """Helped adds one to the topic's counter in Redis; the same person's second click does not."""
    channel = p.new_channel()
    send_event(http_bot, p.message_event(p.FIREWALL_PASTE, channel=channel))
    reply = replies(http_bot, channel)[0]
    helped = next(b for b in reply.buttons() if b["action_id"] == "feedback_helped")
    answers = []
    for _ in range(2):
        hook = http_bot.slack.hook_url()
        send_click(
            http_bot,
            p.click(
                helped,
                channel=channel,
                message_ts="1719.1" + channel,
                thread_ts=reply.params["thread_ts"],
                response_url=hook,
            ),
        )
        answers.append(http_bot.hook(hook))
    assert answers[0].params["text"] == "Thanks, noted."
    assert "already" in answers[1].params["text"]
    key = f"{prefix(http_bot)}feedback:{p.FIREWALL_TOPIC}"
    assert key in prefix_keys(prefix(http_bot))


def test_not_it_offers_runner_ups_and_posts_the_chosen_one(http_bot: LocalBot) -> None:
    """Not it privately offers other topics; picking one posts its answer in the thread."""
    channel = p.new_channel()
    send_event(http_bot, p.message_event(p.FIREWALL_PASTE, channel=channel))
    reply = replies(http_bot, channel)[0]
    thread = reply.params["thread_ts"]
    not_it = next(b for b in reply.buttons() if b["action_id"] == "feedback_not_it")
    hook = http_bot.slack.hook_url()
    send_click(
        http_bot,
        p.click(not_it, channel=channel, message_ts="1719.2", thread_ts=thread, response_url=hook),
    )
    offer = http_bot.hook(hook)
    assert offer.params["response_type"] == "ephemeral"
    picks = [b for b in offer.buttons() if b["action_id"].startswith("pick_topic_")]
    assert picks, offer.params
    chosen = json.loads(picks[0]["value"])["t"]
    cleanup = click_private(http_bot, picks[0], channel=channel)
    posted = replies(http_bot, channel)[1]
    assert posted.params["thread_ts"] == thread
    assert chosen not in (p.FIREWALL_TOPIC,)
    # the firewall's own error text wins over one person's pick until an admin approves it
    assert cleanup.params.get("replace_original") is True
    assert "admin approves" in cleanup.params["text"]


def test_shortcut_answers_privately_and_posts_in_thread_once(http_bot: LocalBot) -> None:
    """Triage this message answers only the asker; "Post in thread" posts once, then expires."""
    channel = p.new_channel()
    ts = p.new_ts()
    hook = http_bot.slack.hook_url()
    payload = p.shortcut(p.FIREWALL_PASTE, channel=channel, message_ts=ts, response_url=hook)
    send_click(http_bot, payload)
    private = http_bot.hook(hook)
    assert private.params["response_type"] == "ephemeral"
    assert replies(http_bot, channel) == []
    post = next(b for b in private.buttons() if b["action_id"] == "post_in_thread")
    answers = [click_private(http_bot, post, channel=channel) for _ in range(2)]
    posted = replies(http_bot, channel)
    assert len(posted) == 1 and posted[0].params["thread_ts"] == ts
    assert posted[0].blocks[0]["type"] == "header"
    assert "already been used" in answers[1].params["text"]


def test_shortcut_answers_what_the_channel_only_suggests(
    http_bot: LocalBot, knowledge_dir: Path
) -> None:
    """A vague message the channel triage only suggests privately still gets the answer, with
    "Post in thread", when someone asks for it with the shortcut."""
    channel = p.new_channel()
    text = p.uncertain_paste(knowledge_dir)
    send_event(http_bot, p.message_event(text, channel=channel))
    http_bot.idle()
    assert http_bot.events("triage.decided", channel=channel, outcome="suggest")
    hook = http_bot.slack.hook_url()
    send_click(
        http_bot, p.shortcut(text, channel=channel, message_ts=p.new_ts(), response_url=hook)
    )
    private = http_bot.hook(hook)
    assert any(b["action_id"] == "post_in_thread" for b in private.buttons())


def test_run_command_button_offers_the_topics_bot_command(http_bot: LocalBot) -> None:
    """A paste naming a registry gets a button that runs the topic's /acr command for it."""
    channel = p.new_channel()
    send_event(http_bot, p.message_event(p.FIREWALL_PASTE, channel=channel))
    reply = replies(http_bot, channel)[0]
    run = next(b for b in reply.buttons() if b["action_id"] == "acr_run_command")
    assert run["text"]["text"] == "Run check-health for contosoprod"


def test_run_command_button_without_a_runner_says_not_available(http_bot: LocalBot) -> None:
    """A run button for a command this build does not have answers "not available", privately."""
    button = {
        "action_id": "acr_run_command",
        "text": {"type": "plain_text", "text": "Run"},
        "value": json.dumps({"command": "frobnicate", "registry": "contosoprod"}),
    }
    hook = http_bot.slack.hook_url()
    send_click(
        http_bot,
        p.click(button, channel="C0ACRHELP1", message_ts="1", thread_ts=None, response_url=hook),
    )
    answer = http_bot.hook(hook)
    assert "not available" in answer.params["text"]
    assert answer.params.get("replace_original") is False


def test_an_uncertain_paste_is_suggested_to_the_poster_only(
    http_bot: LocalBot, knowledge_dir: Path
) -> None:
    """A paste the bot is not sure about: "Is it …?" in the thread, visible to the poster
    only; "Post in thread" posts the answer once, however often it is clicked."""
    channel = p.new_channel()
    body = p.message_event(p.uncertain_paste(knowledge_dir), channel=channel, user="U0BOB00001")
    send_event(http_bot, body)
    offer = ephemerals(http_bot, channel)[0]
    assert offer.params["user"] == "U0BOB00001"
    assert offer.params["thread_ts"] == body["event"]["ts"]
    assert "Is it" in offer.block_text()
    http_bot.idle()
    assert replies(http_bot, channel) == []
    post = next(b for b in offer.buttons() if b["action_id"] == "suggest_post")
    cleanups = [click_private(http_bot, post, channel=channel) for _ in range(2)]
    posted = replies(http_bot, channel)
    assert len(posted) == 1
    assert posted[0].params["thread_ts"] == body["event"]["ts"]
    assert posted[0].blocks[0]["type"] == "header"
    assert all(c.params.get("delete_original") is True for c in cleanups)


def test_not_it_hides_the_suggestion_and_posts_nothing(
    http_bot: LocalBot, knowledge_dir: Path
) -> None:
    """Not it on the private suggestion removes it and counts a miss; the channel sees
    nothing."""
    channel = p.new_channel()
    # another text than the other suggestion tests: accepting an offer teaches the bot
    paste = p.uncertain_paste(knowledge_dir, nth=3)
    send_event(http_bot, p.message_event(paste, channel=channel))
    offer = ephemerals(http_bot, channel)[0]
    not_it = next(b for b in offer.buttons() if b["action_id"] == "suggest_not_it")
    cleanup = click_private(http_bot, not_it, channel=channel)
    assert cleanup.params.get("delete_original") is True
    topic = json.loads(not_it["value"])["t"]
    assert f"{prefix(http_bot)}feedback:{topic}" in prefix_keys(prefix(http_bot))
    http_bot.idle()
    assert replies(http_bot, channel) == []
