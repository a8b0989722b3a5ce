"""Catalogue rows: what the registry commands answer (usage, check-health, runs, cancel-runs),
and the words of the console and the command line."""

from __future__ import annotations

ROWS: dict[str, tuple[str, str]] = {
    # --- usage --------------------------------------------------------------------------------
    "usage.title": ("*Usage of {registry}* ({sku})", "*Использование {registry}* ({sku})"),
    "usage.row": ("{name}: {current} of {limit}", "{name}: {current} из {limit}"),
    "usage.row_unlimited": ("{name}: {current} (no limit)", "{name}: {current} (без ограничения)"),
    "usage.none": ("Azure reported no usage rows.", "Azure не вернул ни одной строки."),
    "usage.near_limit": (
        "{name} is at {percent:g}% of its limit",
        "{name}: занято {percent:g}% лимита",
    ),
    "usage.clean_up": (
        "{warning}: clean up or move to a larger tier soon.",
        "{warning}: пора почистить реестр или перейти на более высокий уровень (tier).",
    ),
    "usage.measured": (
        "Measured {at}. `--refresh` asks Azure again.",
        "Данные на {at}. `--refresh` запросит Azure заново.",
    ),
    "usage.measured_cached": (
        "Measured {at}, from the cache. `--refresh` asks Azure again.",
        "Данные на {at}, из кэша. `--refresh` запросит Azure заново.",
    ),
    # --- check-health -------------------------------------------------------------------------
    "health.no_server": ("login server unknown", "адрес входа неизвестен"),
    "health.see": ("(see `/acr faq {topic}`)", "(см. `/acr faq {topic}`)"),
    "health.took": (
        "{summary} in {seconds:g} s.",
        "Итог: {summary}; проверка заняла {seconds:g} с.",
    ),
    "status.ok": ("{count} ok", "в порядке: {count}"),
    "status.warning": ("{count} warning", "предупреждений: {count}"),
    "status.error": ("{count} error", "ошибок: {count}"),
    "status.skipped": ("{count} skipped", "пропущено: {count}"),
    # --- runs ---------------------------------------------------------------------------------
    "runs.status": ("status {status}", "статус {status}"),
    "runs.task": ("task {task}", "задача {task}"),
    "runs.none": (
        "No task runs in *{registry}*{scope}.",
        "В *{registry}* нет запусков задач{scope}.",
    ),
    "runs.head": (
        "*{count} task run(s) in {registry}*{scope}, newest first:",
        "*{count} {count:запуск|запуска|запусков} задач в {registry}*{scope}, сначала новые:",
    ),
    "runs.line": (
        "• `{run}` {status} — task {task}, created {created}",
        "• `{run}` {status} — задача {task}, создан {created}",
    ),
    "runs.no_task": ("(none)", "(нет)"),
    # --- cancel-runs --------------------------------------------------------------------------
    "cancel.none": (
        "No running or queued runs in *{registry}*: nothing to cancel.",
        "В *{registry}* нет выполняемых или ожидающих запусков: отменять нечего.",
    ),
    "cancel.none_task": (
        "No running or queued runs in *{registry}* for task {task}: nothing to cancel.",
        "В *{registry}* нет выполняемых или ожидающих запусков задачи {task}: отменять нечего.",
    ),
    "cancel.would": (
        "Would cancel {count} run(s) in *{registry}*:",
        "В *{registry}* {count:был бы отменён|были бы отменены|были бы отменены} {count} "
        "{count:запуск|запуска|запусков}:",
    ),
    "cancel.about_to": (
        "About to cancel {count} run(s) in *{registry}*:",
        "В *{registry}* {count:будет отменён|будут отменены|будут отменены} {count} "
        "{count:запуск|запуска|запусков}:",
    ),
    "cancel.dry_run": (
        "Dry run: nothing was cancelled.",
        "Пробный прогон (--dry-run): ничего не отменено.",
    ),
    "cancel.line": ("• `{run}` {status} — task {task}", "• `{run}` {status} — задача {task}"),
    "cancel.more": ("… and {count} more.", "… и ещё {count}."),
    "cancel.result": (
        "*cancel-runs {registry}*: {cancelled} cancelled, {skipped} skipped, {failed} failed.",
        "*cancel-runs {registry}*: отменено {cancelled}, пропущено {skipped}, с ошибкой {failed}.",
    ),
    "cancel.cancelled": ("Cancelled: {runs}", "Отменены: {runs}"),
    "cancel.skipped": ("Skipped `{run}`: {reason}", "Пропущен `{run}`: {reason}"),
    "cancel.already": ("already {status}", "уже в состоянии {status}"),
    "cancel_button": (
        "Cancel {count} run(s)",
        "Отменить {count} {count:запуск|запуска|запусков}",
    ),
    "keep_button": ("Keep them", "Оставить"),
    "cancel_title": ("Cancel task runs?", "Отменить запуски задач?"),
    "cancel_warning": (
        "This stops {count} running or queued run(s) in *{registry}*. It cannot be undone.",
        "Будут остановлены выполняемые и ожидающие запуски в *{registry}* ({count}). "
        "Вернуть их будет нельзя.",
    ),
    "cancel_confirm": ("Cancel them", "Отменить"),
    "cancel_question": (
        "Cancel {count} run(s) in {registry}?",
        "Отменить {count} {count:запуск|запуска|запусков} в {registry}?",
    ),
    "confirm_expires": (
        "Only you can confirm this. It expires in {expires}.",
        "Подтвердить можете только вы. Подтверждение действует ещё {expires}.",
    ),
    "minutes": ("{count} minute(s)", "{count} {count:минуту|минуты|минут}"),
    "seconds": ("{count} seconds", "{count} {count:секунду|секунды|секунд}"),
    "few_minutes": ("a few minutes", "несколько минут"),
    "cancelling": (
        "Cancelling {count} run(s) in *{registry}*…",
        "Отменяю {count} {count:запуск|запуска|запусков} в *{registry}*…",
    ),
    "cancel_progress": (
        "Cancelling runs in {registry}: {done} of {total} done…",
        "Отмена запусков в {registry}: готово {done} из {total}…",
    ),
    "kept": (
        "Kept the runs in *{registry}*: nothing was cancelled.",
        "Запуски в *{registry}* оставлены: ничего не отменено.",
    ),
    "declined": ("Nothing was cancelled.", "Ничего не отменено."),
    "console_cancel_hint": (
        "To cancel them: `acrbot cancel-runs {registry}` (asks to confirm).",
        "Чтобы отменить их: `acrbot cancel-runs {registry}` (спросит подтверждение).",
    ),
    # --- the console and the command line -----------------------------------------------------
    "console.banner": (
        "acr-chatops console. Paste or type an error and end it with an empty line (a paste\n"
        "is answered at once where the terminal marks pastes). A line starting with /acr runs\n"
        "at once: /acr help lists the commands. Ctrl-D quits.",
        "Консоль acr-chatops. Вставьте или наберите ошибку и закончите её пустой строкой\n"
        "(если терминал помечает вставку, ответ придёт сразу). Строка, начинающаяся с /acr,\n"
        "выполняется сразу: /acr help покажет команды. Ctrl-D — выход.",
    ),
    "cli.internal": (
        "internal error (reference {ref}); please report it. ACRBOT_LOG_LEVEL=debug shows the "
        "details.",
        "внутренняя ошибка (код {ref}); сообщите о ней, пожалуйста. Подробности покажет "
        "ACRBOT_LOG_LEVEL=debug.",
    ),
    "cli.no_text": (
        "give the text to triage, e.g. acrbot match 'manifest unknown'",
        "укажите текст для разбора, например: acrbot match 'manifest unknown'",
    ),
    "cli.jsonl_or_words": (
        "--jsonl reads its texts from stdin; give the text either as words or as lines",
        "--jsonl читает тексты со стандартного ввода; передайте текст либо словами, либо строками",
    ),
    "stats.header": ("topic|helped|not it", "тема|помогло|не то"),
    "stats.none_redis": (
        "No feedback recorded yet in Redis.",
        "В Redis пока нет ни одной оценки.",
    ),
    "stats.none_memory": (
        "No feedback recorded yet in this process (REDIS_URL is not set).",
        "В этом процессе пока нет ни одной оценки (REDIS_URL не задан).",
    ),
    "stats.unreachable": (
        "the feedback counts are kept in Redis, and the Redis at {where} (REDIS_URL) does not "
        "answer; start it or fix REDIS_URL, then ask again",
        "оценки хранятся в Redis, а Redis по адресу {where} (REDIS_URL) не отвечает; "
        "запустите его или исправьте REDIS_URL и повторите",
    ),
}
