// The built-in web chat: a Bot Framework channel in the page. Activities go to /api/messages like any channel's;
// the bot answers through the Connector API this host serves under /webchat/ (the serviceUrl below), and the page
// polls that conversation. Card buttons use the same adaptiveCard/action invoke Teams uses.
"use strict";
(function () {
    const serviceUrl = location.origin + "/webchat/";
    const bot = { id: "webchat-bot", name: "Customer Workflow" };
    const md = window.markdownit({ html: false, linkify: false, breaks: true });
    AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
        result.outputHtml = md.render(text);
        result.didProcess = true;
    };

    const people = {};          // id -> { id, name, role, conversation, version, element, rendered: Map(activityId -> element) }
    let current = null;
    let pending = 0;

    const $ = id => document.getElementById(id);

    function showError(message) {
        const box = $("error");
        box.textContent = message;
        box.hidden = false;
    }

    function clearError() { $("error").hidden = true; }

    function typing(delta) {
        pending += delta;
        $("typing").hidden = pending <= 0;
    }

    function person(id, name, role) {
        if (!people[id]) {
            const element = document.createElement("div");
            element.className = "conversation";
            element.dataset.user = id;
            element.hidden = true;
            $("conversations").appendChild(element);
            people[id] = { id, name, role, conversation: "webchat-" + id, version: 0, element, rendered: new Map() };
        }
        return people[id];
    }

    function choose(p) {
        current = p;
        for (const other of Object.values(people)) {
            other.element.hidden = other !== p;
        }
        document.querySelectorAll("button.user").forEach(b => b.classList.toggle("active", b.dataset.user === p.id));
        $("who").textContent = "You are " + p.name + (p.role ? " (" + p.role + ")" : "");
        $("text").disabled = false;
        $("send").disabled = false;
        $("text").focus();
        poll();
    }

    function activity(p, type, extra) {
        return Object.assign({
            type,
            id: "pg-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 8),
            timestamp: new Date().toISOString(),
            channelId: "webchat",
            serviceUrl,
            from: { id: "wc:" + p.id, name: p.name, aadObjectId: p.id },
            recipient: bot,
            conversation: { id: p.conversation, conversationType: "personal" },
            locale: navigator.language || "en-US",
        }, extra);
    }

    async function post(body) {
        typing(1);
        try {
            const response = await fetch("/api/messages", {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: JSON.stringify(body),
            });
            const text = await response.text();
            if (!response.ok && !(body.type === "invoke" && text)) {
                throw new Error("The bot answered " + response.status + (text ? ": " + text : ""));
            }
            clearError();
            return text ? JSON.parse(text) : null;
        } catch (error) {
            showError(error.message || String(error));
            return null;
        } finally {
            typing(-1);
            poll();
        }
    }

    function bubble(p, kind, id) {
        const element = document.createElement("div");
        element.className = "message " + kind;
        if (id) {
            element.dataset.activity = id;
        }
        p.element.appendChild(element);
        $("conversations").scrollTop = $("conversations").scrollHeight;
        return element;
    }

    function renderCard(p, content, activityId) {
        const card = new AdaptiveCards.AdaptiveCard();
        card.hostConfig = new AdaptiveCards.HostConfig({ supportsInteractivity: true, fontFamily: "Segoe UI, system-ui, sans-serif" });
        card.onExecuteAction = action => onAction(p, action, activityId, holder);
        card.parse(content);
        const holder = document.createElement("div");
        holder.className = "card";
        const rendered = card.render();
        if (rendered) {
            holder.appendChild(rendered);
        }
        return holder;
    }

    function renderActivity(p, a) {
        let element = p.rendered.get(a.id);
        if (!element) {
            element = bubble(p, "bot", a.id);
            p.rendered.set(a.id, element);
        }
        element.innerHTML = "";
        if (a.text) {
            const text = document.createElement("div");
            text.innerHTML = md.render(a.text);
            element.appendChild(text);
        }
        for (const attachment of a.attachments || []) {
            if (attachment.contentType === "application/vnd.microsoft.card.adaptive") {
                element.appendChild(renderCard(p, attachment.content, a.id));
            }
        }
    }

    async function onAction(p, action, activityId, holder) {
        if (action instanceof AdaptiveCards.ExecuteAction) {
            const invoke = activity(p, "invoke", {
                name: "adaptiveCard/action",
                replyToId: activityId,
                value: { action: { type: "Action.Execute", id: action.id, verb: action.verb, data: action.data }, trigger: "manual" },
            });
            const answer = await post(invoke);
            if (!answer) {
                return;
            }
            if (answer.type === "application/vnd.microsoft.card.adaptive") {
                holder.replaceWith(renderCard(p, answer.value, activityId));
            } else if (answer.type === "application/vnd.microsoft.activity.message") {
                bubble(p, "bot").textContent = answer.value;
            } else if (answer.value && answer.value.message) {
                showError(answer.value.message);
            }
        } else if (action instanceof AdaptiveCards.SubmitAction) {
            await post(activity(p, "message", { value: action.data, replyToId: activityId }));
        } else if (action instanceof AdaptiveCards.OpenUrlAction) {
            window.open(action.url, "_blank", "noopener");
        }
    }

    async function poll() {
        const p = current;
        if (!p) {
            return;
        }
        try {
            const response = await fetch("/webchat/api/conversations/" + encodeURIComponent(p.conversation) + "?since=" + p.version);
            if (!response.ok) {
                throw new Error("Reading the conversation failed: " + response.status);
            }
            const changes = await response.json();
            for (const a of changes.activities) {
                if (a.type === "message") {
                    renderActivity(p, a);
                }
            }
            for (const id of changes.deleted) {
                const element = p.rendered.get(id);
                if (element) {
                    element.remove();
                    p.rendered.delete(id);
                }
            }
            p.version = changes.version;
        } catch (error) {
            showError(error.message || String(error));
        }
    }

    async function send(text) {
        const p = current;
        if (!p || !text.trim()) {
            return;
        }
        bubble(p, "user").textContent = text;
        await post(activity(p, "message", { text }));
    }

    async function start() {
        try {
            const response = await fetch("/webchat/api/users");
            const users = await response.json();
            for (const u of users) {
                const p = person(u.id, u.name, u.role);
                const button = document.createElement("button");
                button.className = "user";
                button.dataset.user = u.id;
                button.innerHTML = "";
                button.append(u.name);
                const role = document.createElement("small");
                role.textContent = u.role;
                button.appendChild(role);
                button.addEventListener("click", () => choose(p));
                $("sample-users").appendChild(button);
            }
        } catch (error) {
            showError("Could not load the sample users: " + (error.message || error));
        }
        $("compose").addEventListener("submit", event => {
            event.preventDefault();
            const text = $("text").value;
            $("text").value = "";
            send(text);
        });
        $("other-user").addEventListener("submit", async event => {
            event.preventDefault();
            const name = $("other-name").value.trim();
            if (!name) {
                return;
            }
            const response = await fetch("/webchat/api/users", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name }) });
            const body = await response.json();
            if (!response.ok) {
                showError(body.error || "That name cannot be used.");
                return;
            }
            choose(person(body.id, body.name, ""));
        });
        setInterval(poll, 700);
    }

    start();
})();
