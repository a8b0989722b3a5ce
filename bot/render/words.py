"""Every label and sentence the bot shows, in each language it speaks: one catalogue.

Renderers (text and Block Kit alike), the command grammar and the listeners take their words
from here, so a new language is one more column and a new label is one more row (a test checks
that every row has every language). Sentences from Azure results are still English only; they
move here as they are translated.
"""

from __future__ import annotations

from bot.knowledge import LANGUAGES

__all__ = ["LANGUAGES", "WORDS", "words"]

WORDS: dict[str, dict[str, str]] = {
    "en": {
        # an answer
        "cause": "Why",
        "steps": "What to do",
        "commands": "Commands",
        "docs": "Docs",
        "bot": "Let the bot check",
        "why_matched": "Matched on",
        "why": "Matched on “{on}” ({score}/100) · topic `{topic}`",
        "no_answer": "No known answer for this text.",
        "closest": "Closest topics",
        "try_faq": "Try `/acr faq <words>`.",
        "repeat": "Same as the earlier answer in this channel: <{link}|{title}>",
        "repeat_nolink": "Same as an earlier answer in this channel: *{title}*",
        # buttons and what they answer
        "helped": "Helped",
        "not_it": "Not it",
        "run": "Run {command} for {registry}",
        "which": "Which of these is it?",
        "search_topics": "Or find the right topic…",
        "learned_none": "Nothing taught yet. After *Not it*, pick the right topic to teach me.",
        "learned_title": "*What the team taught me* ({count}):",
        "learned_silent_label": "_stay silent_",
        "learned_approved": "approved",
        "learned_people": "{count} person(s)",
        "none_of_these": "None of these: stay quiet",
        "learned_silent": "Noted: I'll stay quiet on text like this.",
        "learned_topic": "Thanks: I'll answer text like this with *{title}*.",
        "learned_pending": " (Near-identical pastes now; similar ones once someone else "
        "confirms or an admin approves.)",
        "learned_blocked": "Noted. The knowledge base's own error text points to another topic "
        "here, so my answer changes once an admin approves this (lesson `{id}`).",
        "none_close": "I have no other close topics. Try `/acr faq <words>`.",
        "show": "Show",
        "share": "Share in channel",
        "post_in_thread": "Post in thread",
        "is_it": "Is it *{title}*?",
        "is_it_note": "Only you can see this. I'm not sure enough to answer in the channel.",
        "thanks": "Thanks, noted.",
        "already": "You already gave feedback on this answer.",
        "posted": "Posted in the thread.",
        "gone": "This button has already been used or has expired.",
        "no_topic": "The knowledge base has no topic `{topic}` yet.",
        "explain": "Explain",
        # help and faq
        "help_title": "*acr-chatops* — paste an ACR error and I answer in the thread. Commands:",
        "did_you_mean": "Unknown subcommand `{unknown}`.",
        "suggest": "Did you mean `/acr {suggestion}`?",
        "faq_none": "Nothing in the knowledge base matches “{words}”.",
        "faq_title": "Topics for “{words}”:",
        "only_you": "Only you can see this.",
        "degraded": ":warning: The shared store (Redis) is unreachable: running on this "
        "process's memory until it is back.",
        # the command grammar
        "usage": "Usage: `{usage}`",
        "unbalanced_quotes": 'Unbalanced quotes. Example: `/acr faq "manifest unknown"`.',
        "unknown_option": "Unknown option `{option}`. Options: {known}.",
        "no_options": "none",
        "needs_value": "`--{option}` needs a value.",
        "one_only": "Give one {what}, not {count}.",
        "too_many": "Too many words: `{extra}`.",
        # cancel-runs
        "cancel_button": "Cancel {count} run(s)",
        "keep_button": "Keep them",
        "cancel_title": "Cancel task runs?",
        "cancel_warning": "This stops {count} running or queued run(s) in *{registry}*. "
        "It cannot be undone.",
        "cancel_confirm": "Cancel them",
        "cancel_question": "Cancel {count} run(s) in {registry}?",
        "confirm_expires": "Only you can confirm this. It expires in {expires}.",
        "minutes": "{count} minute(s)",
        "seconds": "{count} seconds",
        "few_minutes": "a few minutes",
        "cancelling": "Cancelling {count} run(s) in *{registry}*…",
        "cancel_progress": "Cancelling runs in {registry}: {done} of {total} done…",
        "kept": "Kept the runs in *{registry}*: nothing was cancelled.",
        "declined": "Nothing was cancelled.",
        "console_cancel_hint": "To cancel them: `acrbot cancel-runs {registry}` (asks to confirm).",
        # failures
        "not_available": "`/acr {command}` is not available in this build yet.",
        "internal": "Something went wrong on my side (reference `{ref}`). Please try again.",
        "not_in_channel": "I can't post there: invite me to the channel first (`/invite @bot`).",
    },
    "ru": {
        "cause": "Причина",
        "steps": "Что сделать",
        "commands": "Команды",
        "docs": "Документация",
        "bot": "Проверка ботом",
        "why_matched": "Совпало с",
        "why": "Совпало с «{on}» ({score}/100) · тема `{topic}`",
        "no_answer": "Для этого текста готового ответа нет.",
        "closest": "Ближайшие темы",
        "try_faq": "Попробуйте `/acr faq <слова>`.",
        "repeat": "То же, что и в недавнем ответе в этом канале: <{link}|{title}>",
        "repeat_nolink": "То же, что и в недавнем ответе в этом канале: *{title}*",
        "helped": "Помогло",
        "not_it": "Не то",
        "run": "Запустить {command} для {registry}",
        "which": "Что из этого подходит?",
        "search_topics": "Или найдите подходящую тему…",
        "learned_none": "Пока ничему не научили. После *Не то* выберите правильную тему.",
        "learned_title": "*Чему меня научила команда* ({count}):",
        "learned_silent_label": "_молчать_",
        "learned_approved": "одобрено",
        "learned_people": "человек: {count}",
        "none_of_these": "Ничего из этого: молчать",
        "learned_silent": "Понял: на такой текст буду молчать.",
        "learned_topic": "Спасибо: на такой текст буду отвечать темой *{title}*.",
        "learned_pending": " (Пока только на почти такие же вставки; на похожие — когда "
        "подтвердит кто-то ещё или одобрит админ.)",
        "learned_blocked": "Учёл. Текст ошибки из базы знаний здесь указывает на другую тему, "
        "поэтому ответ изменится, когда админ одобрит урок `{id}`.",
        "none_close": "Других близких тем нет. Попробуйте `/acr faq <слова>`.",
        "show": "Показать",
        "share": "Показать в канале",
        "post_in_thread": "Ответить в треде",
        "is_it": "Может быть, это *{title}*?",
        "is_it_note": "Это видите только вы: я не настолько уверен, чтобы отвечать в канале.",
        "thanks": "Спасибо, учтём.",
        "already": "Вы уже оценили этот ответ.",
        "posted": "Отправлено в тред.",
        "gone": "Эта кнопка уже использована или устарела.",
        "no_topic": "В базе знаний пока нет темы `{topic}`.",
        "explain": "Объяснить",
        "help_title": "*acr-chatops* — вставьте ошибку ACR, и я отвечу в треде. Команды:",
        "did_you_mean": "Неизвестная подкоманда `{unknown}`.",
        "suggest": "Возможно, вы имели в виду `/acr {suggestion}`?",
        "faq_none": "В базе знаний нет ничего по запросу «{words}».",
        "faq_title": "Темы по запросу «{words}»:",
        "only_you": "Это видите только вы.",
        "degraded": ":warning: Общее хранилище (Redis) недоступно: бот пока работает на "
        "памяти этого процесса.",
        "usage": "Как вызывать: `{usage}`",
        "unbalanced_quotes": 'Незакрытые кавычки. Пример: `/acr faq "manifest unknown"`.',
        "unknown_option": "Неизвестный параметр `{option}`. Параметры: {known}.",
        "no_options": "нет",
        "needs_value": "Параметру `--{option}` нужно значение.",
        "one_only": "Укажите один {what}, а не {count}.",
        "too_many": "Лишние слова: `{extra}`.",
        "cancel_button": "Отменить запуски: {count}",
        "keep_button": "Оставить",
        "cancel_title": "Отменить запуски задач?",
        "cancel_warning": "Будут остановлены выполняемые и ожидающие запуски ({count}) в "
        "*{registry}*. Это нельзя отменить.",
        "cancel_confirm": "Отменить",
        "cancel_question": "Отменить запуски ({count}) в {registry}?",
        "confirm_expires": "Подтвердить можете только вы. Срок действия: {expires}.",
        "minutes": "{count} мин.",
        "seconds": "{count} с",
        "few_minutes": "несколько минут",
        "cancelling": "Отменяю запуски ({count}) в *{registry}*…",
        "cancel_progress": "Отмена запусков в {registry}: готово {done} из {total}…",
        "kept": "Запуски в *{registry}* оставлены: ничего не отменено.",
        "declined": "Ничего не отменено.",
        "console_cancel_hint": "Чтобы отменить их: `acrbot cancel-runs {registry}` "
        "(спросит подтверждение).",
        "not_available": "`/acr {command}` в этой сборке пока недоступна.",
        "internal": "У меня что-то сломалось (код `{ref}`). Попробуйте ещё раз.",
        "not_in_channel": "Не могу писать в этот канал: сначала пригласите меня (`/invite @bot`).",
    },
}


def words(lang: str) -> dict[str, str]:
    """The catalogue column for ``lang`` (English for a language the bot does not speak)."""
    return WORDS.get(lang, WORDS["en"])
