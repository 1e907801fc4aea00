// The API docs page (templates/drf_spectacular/swagger_ui.html). Swagger UI draws an enum
// parameter's choices as a <select> without a label (WCAG 4.1.2): each is named after its
// parameter, as Swagger UI draws and redraws them.
"use strict";
new MutationObserver(() => {
    for (const select of document.querySelectorAll("#swagger-ui tr[data-param-name] select:not([aria-label])")) {
        select.setAttribute("aria-label", select.closest("tr[data-param-name]").dataset.paramName);
    }
}).observe(document.getElementById("swagger-ui"), {childList: true, subtree: true});
