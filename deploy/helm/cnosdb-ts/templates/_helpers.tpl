{{- define "cnosdb-ts.fullname" -}}{{ printf "%s" .Release.Name | trunc 40 | trimSuffix "-" }}{{- end -}}
{{- define "cnosdb-ts.labels" -}}
app.kubernetes.io/part-of: cnosdb-ts
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
