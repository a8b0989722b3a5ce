"""Catalogue rows: /acr inspect and /acr untagged (the registry data plane), as issue 13
wrote them; the answer's "Check this image" button and "see topic" pointer."""

from __future__ import annotations

ROWS: dict[str, tuple[str, str]] = {
    "check_image": (
        "Check this image",
        "Проверить образ",
    ),
    "inspect_found": (
        "*{image}* in *{registry}*",
        "*{image}* в *{registry}*",
    ),
    "inspect_digest": (
        "Digest",
        "Дайджест",
    ),
    "inspect_type": (
        "Type",
        "Тип",
    ),
    "inspect_index": (
        "multi-platform image index",
        "мультиплатформенный индекс образов",
    ),
    "inspect_index_size": (
        "the index itself; each platform's image has its own",
        "только сам индекс; у образа каждой платформы свой размер",
    ),
    "inspect_single": (
        "image",
        "образ",
    ),
    "inspect_platforms": (
        "Platforms",
        "Платформы",
    ),
    "inspect_no_platform": (
        "not given (not a runnable image?)",
        "не указаны (не запускаемый образ?)",
    ),
    "inspect_size": (
        "Size",
        "Размер",
    ),
    "inspect_updated": (
        "Updated",
        "Обновлён",
    ),
    "inspect_read": (
        "Read",
        "Чтение",
    ),
    "inspect_write": (
        "Write",
        "Запись",
    ),
    "yes": (
        "yes",
        "да",
    ),
    "no": (
        "no",
        "нет",
    ),
    "level_repository": (
        "the repository",
        "репозиторий",
    ),
    "level_tag": (
        "the tag",
        "тег",
    ),
    "level_image": (
        "the image",
        "образ",
    ),
    "inspect_locked": (
        "Writes are disabled on {levels}: pushing over it, deleting it and acr purge are "
        "refused. To unlock: `{command}`",
        "Запись запрещена (заблокировано: {levels}): push поверх, удаление и acr purge не "
        "пройдут. Снять блокировку: `{command}`",
    ),
    "inspect_unreadable": (
        "Reads are disabled on {levels}: pulls are refused.",
        "Чтение запрещено (заблокировано: {levels}): pull не пройдёт.",
    ),
    "inspect_no_repository": (
        "Repository `{repository}` does not exist in *{registry}* (or the bot's identity "
        "cannot see it).",
        "Репозитория `{repository}` нет в *{registry}* (или удостоверение бота его не видит).",
    ),
    "inspect_closest_repositories": (
        "Closest repositories: {names}.",
        "Похожие репозитории: {names}.",
    ),
    "inspect_no_close_repository": (
        "No repository has a similar name.",
        "Репозиториев с похожим именем нет.",
    ),
    "inspect_no_tag": (
        "`{image}` does not exist in *{registry}*",
        "`{image}` нет в *{registry}*",
    ),
    "inspect_closest_tags": (
        "the closest tags are {tags}",
        "ближайшие теги: {tags}",
    ),
    "inspect_no_tags": (
        "the repository has no tags",
        "в репозитории нет тегов",
    ),
    "inspect_tag_platforms": (
        "`{tag}` has {platforms}",
        "у `{tag}` {platforms}",
    ),
    "inspect_only": (
        "{platforms} only",
        "только {platforms}",
    ),
    "inspect_no_manifest": (
        "No manifest `{digest}` in `{repository}` of *{registry}*.",
        "Манифеста `{digest}` нет в `{repository}` реестра *{registry}*.",
    ),
    "see_topic": (
        "See `/acr faq {topic}`.",
        "Подробнее: `/acr faq {topic}`.",
    ),
    "untagged_none": (
        "No untagged manifests in *{registry}* ({scope}).",
        "В *{registry}* нет манифестов без тегов ({scope}).",
    ),
    "untagged_scope_one": (
        "repository `{repository}`",
        "репозиторий `{repository}`",
    ),
    "untagged_scope_all": (
        "{count} repositories",
        "репозиториев: {count}",
    ),
    "untagged_total": (
        "*{registry}*: {count} untagged manifest(s) in {repositories} of {scanned} "
        "repositories, {size} at most.",
        "*{registry}*: манифестов без тегов — {count} в {repositories} из {scanned} "
        "репозиториев, не более {size}.",
    ),
    "untagged_upper_bound": (
        "Layers shared with tagged images are not freed, so the size is an upper bound.",
        "Слои, общие с образами с тегами, не освобождаются, поэтому размер — верхняя оценка.",
    ),
    "untagged_line": (
        "• `{name}` — {count} manifest(s), {size}",
        "• `{name}` — манифестов: {count}, {size}",
    ),
    "untagged_more": (
        "… and {count} more repositories.",
        "… и ещё репозиториев: {count}.",
    ),
    "untagged_purge": (
        "To remove them (add `--dry-run` inside the quotes to list them first; locked "
        "manifests are skipped):",
        "Чтобы удалить их (добавьте `--dry-run` внутрь кавычек, чтобы сначала увидеть "
        "список; заблокированные манифесты пропускаются):",
    ),
    "untagged_digest_warning": (
        "Untagged manifests can still be pulled by digest: check that nothing does before purging.",
        "Манифесты без тегов всё ещё можно скачать по дайджесту: перед очисткой убедитесь, "
        "что так их никто не использует.",
    ),
    "untagged_counted": (
        "Counted in {seconds:g} s.",
        "Подсчитано за {seconds:g} с.",
    ),
    "untagged_progress": (
        "Counting untagged manifests in *{registry}*: {done} of {known} repositories so far…",
        "Считаю манифесты без тегов в *{registry}*: готово {done} из {known} репозиториев…",
    ),
    "untagged_progress_listing": (
        "Counting untagged manifests in *{registry}*: {done} repositories so far, still "
        "listing them…",
        "Считаю манифесты без тегов в *{registry}*: готово {done} репозиториев, список ещё "
        "загружается…",
    ),
}
