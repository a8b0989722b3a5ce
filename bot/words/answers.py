"""Catalogue rows: triage answers, their buttons, help and faq, and the command grammar."""

from __future__ import annotations

ROWS: dict[str, tuple[str, str]] = {
    # --- an answer ----------------------------------------------------------------------------
    "cause": ("Why", "Причина"),
    "steps": ("What to do", "Что сделать"),
    "commands": ("Commands", "Команды"),
    "docs": ("Docs", "Документация"),
    "bot": ("Let the bot check", "Проверка ботом"),
    "matched": ("Matched on: “{on}” ({score}/100)", "Совпало с: «{on}» ({score}/100)"),
    "why": (
        "Matched on “{on}” ({score}/100) · topic `{topic}`",
        "Совпало с «{on}» ({score}/100) · тема `{topic}`",
    ),
    "why_topic": ("Topic `{topic}`", "Тема `{topic}`"),
    "no_answer": ("No known answer for this text.", "Для этого текста готового ответа нет."),
    "closest": ("Closest topics", "Ближайшие темы"),
    "try_faq": ("Try `/acr faq <words>`.", "Попробуйте `/acr faq <слова>`."),
    "repeat": (
        "Same as the earlier answer in this channel: <{link}|{title}>",
        "То же, что и в недавнем ответе в этом канале: <{link}|{title}>",
    ),
    "repeat_nolink": (
        "Same as an earlier answer in this channel: *{title}*",
        "То же, что и в недавнем ответе в этом канале: *{title}*",
    ),
    # --- buttons and what they answer ---------------------------------------------------------
    "helped": ("Helped", "Помогло"),
    "not_it": ("Not it", "Не то"),
    "run": ("Run {command} for {registry}", "Запустить {command} для {registry}"),
    "which": ("Which of these is it?", "Что из этого подходит?"),
    # teaching (after "Not it")
    "search_topics": ("Or find the right topic…", "Или найдите подходящую тему…"),
    "learned_none": (
        "Nothing taught yet. After *Not it*, pick the right topic to teach me.",
        "Пока ничему не научили. После *Не то* выберите правильную тему.",
    ),
    "learned_title": (
        "*What the team taught me* ({count}):",
        "*Чему меня научила команда* ({count}):",
    ),
    "learned_silent_label": ("_stay silent_", "_молчать_"),
    "learned_approved": ("approved", "одобрено"),
    "learned_people": ("{count} person(s)", "человек: {count}"),
    "kb.learned_only": (
        "Use `/acr kb learned` to list what the team taught the bot.",
        "Чтобы увидеть, чему команда научила бота, вызовите `/acr kb learned`.",
    ),
    "none_of_these": ("None of these: stay quiet", "Ничего из этого: молчать"),
    "learned_silent": (
        "Noted: I'll stay quiet on text like this.",
        "Понял: на такой текст буду молчать.",
    ),
    "learned_topic": (
        "Thanks: I'll answer text like this with *{title}*.",
        "Спасибо: на такой текст буду отвечать темой *{title}*.",
    ),
    "learned_pending": (
        " (Near-identical pastes now; similar ones once someone else confirms or an admin "
        "approves.)",
        " (Пока только на почти такие же вставки; на похожие — когда подтвердит кто-то ещё "
        "или одобрит админ.)",
    ),
    "learned_blocked": (
        "Noted. The knowledge base's own error text points to another topic here, so my "
        "answer changes once an admin approves this (lesson `{id}`).",
        "Учёл. Текст ошибки из базы знаний здесь указывает на другую тему, поэтому ответ "
        "изменится, когда админ одобрит урок `{id}`.",
    ),
    "none_close": (
        "I have no other close topics. Try `/acr faq <words>`.",
        "Других близких тем нет. Попробуйте `/acr faq <слова>`.",
    ),
    "show": ("Show", "Показать"),
    "share": ("Share in channel", "Показать в канале"),
    "post_in_thread": ("Post in thread", "Ответить в треде"),
    "is_it": ("Is it *{title}*?", "Может быть, это *{title}*?"),
    "is_it_note": (
        "Only you can see this. I'm not sure enough to answer in the channel.",
        "Это видите только вы: я не настолько уверен, чтобы отвечать в канале.",
    ),
    "thanks": ("Thanks, noted.", "Спасибо, учтём."),
    "already": ("You already gave feedback on this answer.", "Вы уже оценили этот ответ."),
    "posted": ("Posted in the thread.", "Отправлено в тред."),
    "gone": (
        "This button has already been used or has expired.",
        "Эта кнопка уже использована или устарела.",
    ),
    "no_topic": (
        "The knowledge base has no topic `{topic}` yet.",
        "В базе знаний пока нет темы `{topic}`.",
    ),
    "explain": ("Explain", "Объяснить"),
    # --- help and faq -------------------------------------------------------------------------
    "help_title": (
        "*acr-chatops* — paste an ACR error and I answer in the thread. Commands:",
        "*acr-chatops* — вставьте ошибку ACR, и я отвечу в треде. Команды:",
    ),
    "did_you_mean": ("Unknown subcommand `{unknown}`.", "Неизвестная подкоманда `{unknown}`."),
    "suggest": (
        "Did you mean `/acr {suggestion}`?",
        "Возможно, вы имели в виду `/acr {suggestion}`?",
    ),
    "faq_none": (
        "Nothing in the knowledge base matches “{words}”.",
        "В базе знаний нет ничего по запросу «{words}».",
    ),
    "faq_title": ("Topics for “{words}”:", "Темы по запросу «{words}»:"),
    "only_you": ("Only you can see this.", "Это видите только вы."),
    "degraded": (
        ":warning: The shared store (Redis) is unreachable: running on this process's memory "
        "until it is back.",
        ":warning: Общее хранилище (Redis) недоступно: бот пока работает на памяти этого процесса.",
    ),
    # --- the command grammar ------------------------------------------------------------------
    "usage": ("Usage: `{usage}`", "Как вызывать: `{usage}`"),
    "unbalanced_quotes": (
        'Unbalanced quotes. Example: `/acr faq "manifest unknown"`.',
        'Незакрытые кавычки. Пример: `/acr faq "manifest unknown"`.',
    ),
    "unknown_option": (
        "Unknown option `{option}`. Options: {known}.",
        "Неизвестный параметр `{option}`. Параметры: {known}.",
    ),
    "no_options": ("none", "нет"),
    "needs_value": ("`--{option}` needs a value.", "Параметру `--{option}` нужно значение."),
    "one_only": ("Give one {what}, not {count}.", "Укажите один {what}, а не {count}."),
    "too_many": ("Too many words: `{extra}`.", "Лишние слова: `{extra}`."),
    "bad_status": (
        "Unknown status `{value}`. Use one of: {statuses}.",
        "Неизвестный статус `{value}`. Допустимые: {statuses}.",
    ),
    "bad_top": (
        "`--top` takes a whole number from 1 to 100, not `{value}`.",
        "`--top` принимает целое число от 1 до 100, а не `{value}`.",
    ),
    "top_range": (
        "`--top` takes a whole number from 1 to 100.",
        "`--top` принимает целое число от 1 до 100.",
    ),
    # --- failures -----------------------------------------------------------------------------
    "not_available": (
        "`/acr {command}` is not available in this build yet.",
        "`/acr {command}` в этой сборке пока недоступна.",
    ),
    "internal": (
        "Something went wrong on my side (reference `{ref}`). Please try again.",
        "У меня что-то сломалось (код `{ref}`). Попробуйте ещё раз.",
    ),
    "not_in_channel": (
        "I can't post there: invite me to the channel first (`/invite @bot`).",
        "Не могу писать в этот канал: сначала пригласите меня (`/invite @bot`).",
    ),
    "busy": (
        "I'm busy with other requests right now: nothing was done. Try again in a minute.",
        "Я сейчас занят другими запросами, ничего не сделано. Попробуйте через минуту.",
    ),
    "too_long": (
        "That is too long for a command ({length} characters; at most {limit}).",
        "Слишком длинная команда ({length} символов; не больше {limit}).",
    ),
}
