{{/* Chart name, truncated to the 63 characters Kubernetes allows in a label. */}}
{{- define "acr-chatops.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped name used for every object the chart creates. */}}
{{- define "acr-chatops.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "acr-chatops.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "acr-chatops.selectorLabels" -}}
app.kubernetes.io/name: {{ include "acr-chatops.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "acr-chatops.labels" -}}
helm.sh/chart: {{ include "acr-chatops.chart" . }}
{{ include "acr-chatops.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "acr-chatops.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "acr-chatops.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret holding the Slack tokens: the operator's own, or the one this chart writes. */}}
{{- define "acr-chatops.slackSecretName" -}}
{{- default (printf "%s-slack" (include "acr-chatops.fullname" .)) .Values.slack.existingSecret }}
{{- end }}

{{/* True (non-empty) when the pods get a REDIS_URL from somewhere. */}}
{{- define "acr-chatops.hasRedis" -}}
{{- if or .Values.redis.url .Values.redis.existingSecret .Values.redis.internal.enabled }}true{{ end }}
{{- end }}

{{- define "acr-chatops.redisSecretName" -}}
{{- default (printf "%s-redis" (include "acr-chatops.fullname" .)) .Values.redis.existingSecret }}
{{- end }}

{{- define "acr-chatops.internalRedisName" -}}
{{- printf "%s-redis" (include "acr-chatops.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "acr-chatops.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}
