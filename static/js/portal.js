// Progressive enhancements; every page works without them.

// The translations of Django's JavaScript catalog (jsi18n, loaded just before this script); the
// English text when it did not load.
const gettext = window.gettext || ((message) => message);
const ngettext = window.ngettext || ((singular, plural, count) => (count === 1 ? singular : plural));
const pgettext = window.pgettext || ((context, message) => message);
const interpolate = window.interpolate
    || ((format, values) => format.replace(/%\((\w+)\)s/g, (match, name) => String(values[name])));

// The menu button of the site header (disclosure pattern). Without this script the button stays
// hidden and the navigation shows; with it, narrow screens fold the navigation behind the button.
document.querySelectorAll("[data-menu-button]").forEach((button) => {
    const menu = document.getElementById(button.getAttribute("aria-controls"));
    const header = button.closest(".site-header");
    if (!menu || !header) return;
    button.hidden = false;
    header.classList.add("has-menu-button");
    button.addEventListener("click", () => {
        const open = button.getAttribute("aria-expanded") !== "true";
        button.setAttribute("aria-expanded", String(open));
        menu.classList.toggle("is-open", open);
    });
    document.addEventListener("keydown", (event) => {
        if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
            button.setAttribute("aria-expanded", "false");
            menu.classList.remove("is-open");
            button.focus();
        }
    });
});

// A form that comes back with errors: its summary receives focus, so that it is read first.
// Its links lead to the field itself (the search box of a chooser, the first box of a group).
const errorSummary = document.querySelector("[data-error-summary]");
if (errorSummary) {
    errorSummary.focus();
    errorSummary.addEventListener("click", (event) => {
        const link = event.target.closest("a[href^='#']");
        const target = link && document.getElementById(link.getAttribute("href").slice(1));
        if (!target) return;
        const field = target.hidden
            ? document.getElementById(`${target.id}-search`)
            : target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
        if (field) {
            event.preventDefault();
            field.focus();
            field.scrollIntoView({ block: "center" });
        }
    });
}

// Character counters for fields marked data-counter.
document.querySelectorAll("[data-counter]").forEach((field) => {
    const counter = document.createElement("p");
    counter.className = "help counter";
    counter.setAttribute("aria-live", "polite");
    const min = Number(field.dataset.minLength || 0);
    const max = Number(field.getAttribute("maxlength") || 0);
    const update = () => {
        const length = field.value.trim().length;
        const short = min && length < min;
        let text;
        // Translators: a counter under a text field; "min" and "max" are numbers of characters.
        if (short && max) text = ngettext("%(length)s character, at least %(min)s to submit (at most %(max)s)", "%(length)s characters, at least %(min)s to submit (at most %(max)s)", length);
        else if (short) text = ngettext("%(length)s character, at least %(min)s to submit", "%(length)s characters, at least %(min)s to submit", length);
        else if (max) text = ngettext("%(length)s character (at most %(max)s)", "%(length)s characters (at most %(max)s)", length);
        else text = ngettext("%(length)s character", "%(length)s characters", length);
        counter.textContent = interpolate(text, { length, min, max }, true);
    };
    field.insertAdjacentElement("afterend", counter);
    field.addEventListener("input", update);
    update();
});

// Searchable choosers over a <select multiple data-chooser>: a filter box and a list of
// checkboxes that set the select's options. The select stays in the form (hidden), so what is
// posted is exactly what the plain select would post.
document.querySelectorAll("select[multiple][data-chooser]").forEach((select) => {
    const label = document.querySelector(`label[for="${select.id}"]`);
    const name = label ? label.textContent.replace("*", "").trim() : select.name;
    const chooser = document.createElement("div");
    chooser.className = "chooser";
    chooser.setAttribute("role", "group");
    if (label) {
        label.id = label.id || `${select.id}-label`;
        chooser.setAttribute("aria-labelledby", label.id);
    } else {
        chooser.setAttribute("aria-label", name);
    }
    const describedBy = select.getAttribute("aria-describedby");

    const searchId = `${select.id}-search`;
    const searchLabel = document.createElement("label");
    searchLabel.htmlFor = searchId;
    searchLabel.className = "chooser-search-label";
    // Translators: the label of the filter box of a list of choices; "name" is the field's label.
    searchLabel.textContent = interpolate(gettext("Search %(name)s"), { name: name.toLowerCase() }, true);
    const search = document.createElement("input");
    search.type = "search";
    search.id = searchId;
    search.autocomplete = "off";
    search.setAttribute("aria-controls", `${select.id}-options`);
    if (describedBy) search.setAttribute("aria-describedby", describedBy);

    const status = document.createElement("p");
    status.className = "help chooser-status";
    status.setAttribute("aria-live", "polite");

    const list = document.createElement("ul");
    list.className = "chooser-options";
    list.id = `${select.id}-options`;
    const items = Array.from(select.options).map((option, index) => {
        const item = document.createElement("li");
        const box = document.createElement("input");
        box.type = "checkbox";
        box.id = `${select.id}-option-${index}`;
        box.checked = option.selected;
        const boxLabel = document.createElement("label");
        boxLabel.htmlFor = box.id;
        boxLabel.textContent = option.textContent;
        box.addEventListener("change", () => {
            option.selected = box.checked;
            update();
        });
        item.append(box, " ", boxLabel);
        list.append(item);
        return { item, box, text: option.textContent.toLowerCase() };
    });

    const update = () => {
        const words = search.value.trim().toLowerCase();
        let shown = 0;
        items.forEach(({ item, box, text }) => {
            // The chosen ones always show, so that they can be unticked.
            const visible = !words || text.includes(words) || box.checked;
            item.hidden = !visible;
            if (visible) shown += 1;
        });
        const chosen = Array.from(select.selectedOptions).map((option) => option.textContent);
        const count = chosen.length;
        const chosenText = count
            ? interpolate(ngettext("%(count)s chosen: %(names)s", "%(count)s chosen: %(names)s", count), { count, names: chosen.join(pgettext("list separator", ", ")) }, true)
            : interpolate(ngettext("%(count)s chosen", "%(count)s chosen", count), { count }, true);
        const shownText = interpolate(ngettext("%(count)s shown", "%(count)s shown", shown), { count: shown }, true);
        // Translators: joins "2 chosen: …" and "5 shown", the status of a filtered list of choices.
        status.textContent = words ? interpolate(gettext("%(chosen)s; %(shown)s"), { chosen: chosenText, shown: shownText }, true) : chosenText;
    };
    search.addEventListener("input", update);
    // Enter in the filter box must not submit the whole form.
    search.addEventListener("keydown", (event) => {
        if (event.key === "Enter") event.preventDefault();
    });

    chooser.append(searchLabel, search, status, list);
    select.hidden = true;
    select.insertAdjacentElement("afterend", chooser);
    // The field's label names the group (the hidden select needs it no more).
    if (label) label.removeAttribute("for");
    update();
});
