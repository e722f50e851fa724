// SPDX-License-Identifier: GPL-2.0
/* Unit tests of loader/json.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tap.h"

static char *str_json(const char *s)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	json_str(f, s);
	fclose(f);
	return out;
}

int main(void)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	char *s;

	s = str_json("a\"b\\c\nd\x01");
	tap_ok(!strcmp(s, "\"a\\\"b\\\\c\\nd\\u0001\""), "quote, backslash, newline, control: %s", s);
	free(s);
	s = str_json("tab\there\rcr\x7f");
	tap_ok(!strcmp(s, "\"tab\\there\\rcr\\u007f\""), "tab, CR and DEL: %s", s);
	free(s);
	s = str_json("caf\xc3\xa9 [shunt]");
	tap_ok(!strcmp(s, "\"caf\xc3\xa9 [shunt]\""), "UTF-8 passes unchanged: %s", s);
	free(s);
	s = str_json("");
	tap_ok(!strcmp(s, "\"\""), "empty string");
	free(s);

	f = open_memstream(&out, &len);
	fputc('{', f);
	json_kv_str(f, "name", "p1", 1);
	json_kv_long(f, "seq", -3, 0);
	json_kv_str(f, "a\"b", "", 0);
	fputc('}', f);
	fclose(f);
	tap_ok(!strcmp(out, "{\"name\":\"p1\",\"seq\":-3,\"a\\\"b\":\"\"}"),
	       "key/value pairs with commas between: %s", out);
	free(out);

	f = open_memstream(&out, &len);
	fputc('{', f);
	json_kv_bool(f, "ok", 1, 1);
	json_kv_bool(f, "no", 0, 0);
	fputc('}', f);
	fclose(f);
	tap_ok(!strcmp(out, "{\"ok\":true,\"no\":false}"), "booleans: %s", out);
	free(out);

	f = open_memstream(&out, &len);
	json_pretty(f, "{\"a\":[1,{\"b\":\"x,{y}:\\\"\"}],\"e\":[],\"o\":{}}\n");
	fclose(f);
	tap_str_eq(out, "{\n    \"a\": [\n        1,\n        {\n            \"b\": \"x,{y}:\\\"\"\n        }\n    ],\n"
		   "    \"e\": [],\n    \"o\": {}\n}\n",
		   "json_pretty: four spaces a level, strings untouched, empty [] and {} kept");
	free(out);
	return tap_done();
}
