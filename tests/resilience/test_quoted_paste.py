"""What a paste names goes into its answer (``bot.pasted``) — quoted like any other user text:
a value taken from someone's paste can neither ping the channel nor end the code block it
sits in, in the private answer of "Triage this message" and in the one "Post in thread"
posts (whose store entry still holds no pasted text).
"""

from __future__ import annotations

from tests.fakes.local_bot import LocalBot
from tests.fakes.slack_api import Call
from tests.slack import payloads as p

# Azure CLI's answer for a registry outside the current subscription, where the subscription's
# name (a placeholder of the answer's steps and commands) carries a ping and a backtick
PASTE = (
    "ERROR: The resource with name 'contosoprod' and type "
    "'Microsoft.ContainerRegistry/registries' could not be found in subscription "
    "'Contoso Prod <!here>`echo (00000000-0000-0000-0000-000000000000)'."
)
SHOWN = "az account set --subscription Contoso Prod &lt;!here&gt;'echo"


def _quoted(call: Call) -> str:
    text = call.block_text()
    assert "<!here>" not in text
    assert SHOWN in text  # shown as typed, as text: no ping, no closed span or block
    assert text.count("```") % 2 == 0
    return text


def test_a_value_from_the_paste_is_only_text_in_the_answer(bot: LocalBot) -> None:
    channel, ts, hook = p.new_channel(), p.new_ts(), bot.slack.hook_url()
    assert bot.click(p.shortcut(PASTE, channel=channel, message_ts=ts, response_url=hook)) == 200
    private = bot.hook(hook)
    _quoted(private)
    post = next(b for b in private.buttons() if b["action_id"] == "post_in_thread")
    click = p.click(
        post, channel=channel, message_ts="1", thread_ts=None, response_url=bot.slack.hook_url()
    )
    assert bot.click(click) == 200
    bot.idle()
    (posted,) = bot.slack.accepted("chat.postMessage", channel=channel)
    assert posted.params["thread_ts"] == ts
    _quoted(posted)
