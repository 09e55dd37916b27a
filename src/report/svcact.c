/*
 * svcact.c - run the SLO file's action on a violation (svcact.h).
 */
#include "report/svcact.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/http.h"
#include "base/proc.h"
#include "base/banned.h"

static char *failed_names(json_t *evidence)
{
	struct tl_buf b = TL_BUF_INIT;
	json_t *o;
	size_t i;

	json_array_foreach(json_object_get(evidence, "objectives"), i, o)
	{
		const char *out =
			json_string_value(json_object_get(o, "outcome"));

		if (out && strcmp(out, "PASS"))
			tl_buf_printf(
				&b, "%s%s", b.len ? "," : "",
				json_string_value(json_object_get(o, "name")));
	}
	return b.s ? b.s : xstrdup("");
}

static int run_command(const struct tl_svc_slo *slo, const char *json,
		       json_t *evidence, FILE *log, struct tl_buf *err)
{
	char path[] = "/tmp/traplab-slo-evidence.XXXXXX";
	struct tl_proc_result res = {0};
	struct tl_proc_spec spec = {0};
	struct tl_strv env = TL_STRV_INIT;
	const char *argv[] = {"/bin/sh", "-c", slo->action_command, NULL};
	char desc[128];
	char *names;
	int fd, rc = 0;
	size_t len = strlen(json);

	fd = mkstemp(path);
	if (fd < 0 || write(fd, json, len) != (ssize_t)len) {
		tl_buf_printf(err, "cannot write the evidence file: %s",
			      strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		return -EIO;
	}
	close(fd);
	names = failed_names(evidence);
	tl_strv_push_owned(&env,
			   xasprintf("TRAPLAB_SLO_SERVICE=%s", slo->service));
	tl_strv_push_owned(&env, xasprintf("TRAPLAB_SLO_NAME=%s", slo->name));
	tl_strv_push_owned(&env, xasprintf("TRAPLAB_SLO_OBJECTIVE=%s", names));
	tl_strv_push_owned(&env, xasprintf("TRAPLAB_SLO_EVIDENCE=%s", path));
	spec.argv = argv;
	spec.env = tl_strv_cstr(&env);
	spec.timeout_s = 30;
	spec.pin_cpu = -1;
	spec.merge_stderr = 1;
	if (tl_proc_run(&spec, &res)) {
		tl_buf_printf(err, "action command: cannot start /bin/sh");
		rc = -EIO;
		goto out;
	}
	if (res.out_len)
		fprintf(log, "%s%s", res.out,
			res.out[res.out_len - 1] == '\n' ? "" : "\n");
	tl_proc_describe(&res, desc, sizeof(desc));
	fprintf(log, "action: command '%s' (%s)\n", slo->action_command, desc);
	if (res.end != TL_PROC_EXITED || res.exit_code) {
		tl_buf_printf(err, "action command '%s' failed: %s",
			      slo->action_command, desc);
		rc = -EIO;
	}
out:
	tl_proc_result_release(&res);
	unlink(path);
	free(names);
	tl_strv_release(&env);
	return rc;
}

static int post_webhook(const struct tl_svc_slo *slo, const char *json,
			FILE *log, struct tl_buf *err)
{
	struct tl_http_req req = {0};
	struct tl_buf resp = TL_BUF_INIT;
	char *shown = tl_http_redact(slo->action_webhook);
	int status, rc;

	req.method = "POST";
	req.url = slo->action_webhook;
	req.body = json;
	req.len = strlen(json);
	req.content_type = "application/json";
	rc = tl_http_request(&req, &status, &resp, err);
	fprintf(log, "action: webhook %s (HTTP %d)\n", shown, status);
	free(shown);
	tl_buf_release(&resp);
	return rc ? -EIO : 0;
}

int tl_svc_act(const struct tl_svc_slo *slo, json_t *evidence, FILE *log,
	       struct tl_buf *err)
{
	char *json = json_dumps(evidence, JSON_COMPACT | JSON_SORT_KEYS);
	int rc = 0;

	if (slo->action_command && run_command(slo, json, evidence, log, err))
		rc = -EIO;
	if (slo->action_webhook && post_webhook(slo, json, log, err))
		rc = -EIO;
	free(json);
	return rc;
}
