// Progressive enhancements; every page works without them.

// Character counters for fields marked data-counter.
document.querySelectorAll("[data-counter]").forEach((field) => {
    const counter = document.createElement("p");
    counter.className = "help counter";
    counter.setAttribute("aria-live", "polite");
    const min = Number(field.dataset.minLength || 0);
    const max = Number(field.getAttribute("maxlength") || 0);
    const update = () => {
        const length = field.value.trim().length;
        let text = `${length} characters`;
        if (min && length < min) text += `, at least ${min} to submit`;
        if (max) text += ` (at most ${max})`;
        counter.textContent = text;
    };
    field.insertAdjacentElement("afterend", counter);
    field.addEventListener("input", update);
    update();
});
